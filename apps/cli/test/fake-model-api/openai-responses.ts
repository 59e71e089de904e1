import type { ServerResponse } from 'node:http';
import { pickScript, type Scripts } from './pick-script.js';
import { callId, nextStep, planPathIn, promptsIn } from './worker-script.js';

interface InputItem {
  type?: string;
  role?: string;
  content?: string | { type: string; text?: string }[];
  call_id?: string;
  output?: string | { type: string; text?: string }[];
}
/** The part of a `POST /v1/responses` body the fake reads. */
export interface ResponsesRequest {
  model?: string;
  input?: InputItem[];
  tools?: Tool[];
}
/** A tool on offer; codex offers an MCP server's tools as a namespace (`mcp__<server>`) of functions. */
interface Tool {
  type: string;
  name?: string;
  tools?: Tool[];
}

/** The offered tools by the name a script calls them: a namespaced one as `<namespace>__<name>` (claude's MCP names). */
function offeredTools(tools: readonly Tool[]): Map<string, { name: string; namespace?: string }> {
  const offered = new Map<string, { name: string; namespace?: string }>();
  for (const tool of tools) {
    if (!tool.name) continue;
    if (tool.type !== 'namespace') offered.set(tool.name, { name: tool.name });
    for (const inner of tool.tools ?? [])
      if (inner.name) offered.set(`${tool.name}__${inner.name}`, { name: inner.name, namespace: tool.name });
  }
  return offered;
}

const textOf = (c: InputItem['content']): string =>
  typeof c === 'string' ? c : (c ?? []).map((p) => p.text ?? '').join('\n');

/** The user's texts (where the worker prompt is) and the last function call's output, with its call id. */
export function readInput(body: ResponsesRequest) {
  const input = body.input ?? [];
  const texts = input.filter((i) => i.type === 'message' && i.role === 'user').map((i) => textOf(i.content));
  const last = input.filter((i) => i.type === 'function_call_output').at(-1);
  return {
    planPath: planPathIn(texts),
    prompts: promptsIn(texts),
    last: last ? { id: last.call_id ?? '', output: textOf(last.output) } : null,
  };
}

/** Streams one response as the Responses API's SSE: created, each output item, completed. */
function stream(res: ServerResponse, items: object[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const id = `resp_fake_${Date.now()}`;
  const send = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('response.created', { response: { id } });
  items.forEach((item, output_index) => {
    send('response.output_item.added', { output_index, item });
    send('response.output_item.done', { output_index, item });
  });
  const usage = {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 20,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 120,
  };
  send('response.completed', { response: { id, usage } });
  res.end();
}

/**
 * Answers one Responses API request with its script's next turn: a function call (a shell step
 * through codex's `exec_command` tool, or the older `shell` tool), or the final message.
 * Requests that play no script get a short message.
 */
export function answerResponses(res: ServerResponse, body: ResponsesRequest, scripts: Scripts): string {
  const { planPath, prompts, last } = readInput(body);
  const message = (text: string) => ({
    type: 'message',
    id: `msg_fake_${Date.now()}`,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  });
  const offered = offeredTools(body.tools ?? []);
  const toolNames = [...offered.keys()];
  // codex offers its shell tool under one of two names; which one is settled below.
  const script = pickScript(scripts, { planPath, prompts, toolNames, shellOffered: true });
  if (script === null) {
    stream(res, [message('OK.')]);
    return 'side request';
  }
  const { index, attempt } = nextStep(script, last);
  const step = script[index] ?? { text: 'Done.' };
  if ('text' in step) {
    stream(res, [message(step.text)]);
    return `step ${index}`;
  }
  const call_id = callId('call', index, attempt);
  // A namespaced tool is called by its own name, with its namespace beside it.
  const [target, args] =
    'tool' in step
      ? [offered.get(step.tool) ?? { name: step.tool }, step.input]
      : offered.has('exec_command') || !offered.has('shell')
        ? [{ name: 'exec_command' }, { cmd: step.shell, yield_time_ms: 30_000 }]
        : [{ name: 'shell' }, { command: ['bash', '-lc', step.shell], timeout_ms: 60_000 }];
  stream(res, [
    { type: 'function_call', id: `fc_fake_${index}_${attempt}`, call_id, ...target, arguments: JSON.stringify(args) },
  ]);
  return `step ${index}`;
}
