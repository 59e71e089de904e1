import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Condition, Dispatch } from '@dispatch/runtime';

/** Under the 60 s MCP clients allow a call by default. */
export const DEFAULT_WAIT_SECONDS = 50;
/** How often a waiting call tells a client that asked for progress that it is still waiting. */
const PROGRESS_EVERY_MS = 10_000;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What the `wait` tool returns: a `wait --json` condition, or `{type: 'timeout'}`. */
export type WaitOutcome = Condition | { type: 'timeout' } | (Condition & { answered: { text: string } });

/**
 * The `wait` tool: the first notable condition of the tasks (those holding now first), bounded by
 * `timeout` and by the client's cancel. A client that asked for progress hears every 10 s that the
 * call still waits. A question is put to the host's user directly where the client supports
 * elicitation: the answer goes back to the worker and the condition says so (`answered`); declined
 * or unsupported, the question is returned for the host to relay.
 */
export async function waitForCondition(
  server: McpServer,
  dispatch: Dispatch,
  input: { ids?: string[] | undefined; timeout?: number | undefined },
  extra: Extra,
): Promise<WaitOutcome> {
  const seconds = input.timeout ?? DEFAULT_WAIT_SECONDS;
  const deadline = Date.now() + seconds * 1000;
  const stop = new AbortController();
  const onCancel = () => stop.abort();
  extra.signal.addEventListener('abort', onCancel);
  const timer = setTimeout(() => stop.abort(), seconds * 1000);
  const progressToken = extra._meta?.progressToken;
  const progress =
    progressToken === undefined
      ? undefined
      : setInterval(() => {
          const waited = Math.round(seconds - (deadline - Date.now()) / 1000);
          const params = { progressToken, progress: waited, total: seconds, message: `waiting (${waited} s)` };
          extra.sendNotification({ method: 'notifications/progress', params }).catch(() => undefined);
        }, PROGRESS_EVERY_MS);
  try {
    for await (const condition of dispatch.watch({ ids: input.ids ?? [], signal: stop.signal })) {
      if (condition.type !== 'question' || !server.server.getClientCapabilities()?.elicitation) return condition;
      const text = await elicitAnswer(server, condition, deadline - Date.now());
      if (text === null) return condition;
      await dispatch.answer(condition.id, text, { question: condition.seq });
      return { ...condition, answered: { text } };
    }
    return { type: 'timeout' };
  } finally {
    clearTimeout(timer);
    if (progress) clearInterval(progress);
    extra.signal.removeEventListener('abort', onCancel);
  }
}

/** Puts a worker's question to the host's user (MCP elicitation); their answer, or null. */
async function elicitAnswer(
  server: McpServer,
  question: Extract<Condition, { type: 'question' }>,
  timeLeftMs: number,
): Promise<string | null> {
  if (timeLeftMs <= 0) return null;
  try {
    const reply = await server.server.elicitInput(
      {
        message: `Task ${question.id} asks (#${question.seq}): ${question.text}`,
        requestedSchema: {
          type: 'object',
          properties: { answer: { type: 'string', title: 'Answer', description: 'Your answer, for the worker' } },
          required: ['answer'],
        },
      },
      { timeout: timeLeftMs },
    );
    const answer = reply.action === 'accept' ? reply.content?.answer : undefined;
    return typeof answer === 'string' && answer.trim() !== '' ? answer : null;
  } catch {
    return null; // the client could not ask (no user, a timeout): the host relays it instead
  }
}
