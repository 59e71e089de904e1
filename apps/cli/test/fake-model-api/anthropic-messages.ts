import type { ServerResponse } from 'node:http';
import { pickScript, type Scripts } from './pick-script.js';
import { callId, nextStep, planPathIn, promptsIn } from './worker-script.js';

interface Block {
  type: string;
  text?: string;
  id?: string;
  tool_use_id?: string;
  content?: string | Block[];
}
interface Message {
  role: string;
  content: string | Block[];
}
/** The part of a `POST /v1/messages` body the fake reads. */
export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  messages?: Message[];
  tools?: { name: string }[];
}

const blocks = (m: Message): Block[] =>
  typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
const textOf = (c: string | Block[] | undefined): string =>
  typeof c === 'string' ? c : (c ?? []).map((b) => b.text ?? '').join('\n');

/** The user's texts (where the worker prompt is) and the last tool result, with the id of its call. */
export function readConversation(body: MessagesRequest) {
  const messages = body.messages ?? [];
  const texts = messages
    .filter((m) => m.role === 'user')
    .flatMap((m) => blocks(m).map((b) => (b.type === 'text' ? (b.text ?? '') : '')));
  const results = messages.flatMap((m) => blocks(m)).filter((b) => b.type === 'tool_result');
  const last = results.at(-1);
  return {
    planPath: planPathIn(texts),
    prompts: promptsIn(texts),
    last: last ? { id: last.tool_use_id ?? '', output: textOf(last.content) } : null,
  };
}

/** Streams one assistant message as Anthropic's SSE: message_start, content blocks, message_delta, message_stop. */
function stream(
  res: ServerResponse,
  model: string,
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: object })[],
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  send('message_start', {
    message: {
      id: `msg_fake_${Date.now()}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      send('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { index });
  });
  const toolUse = content.some((b) => b.type === 'tool_use');
  send('message_delta', {
    delta: { stop_reason: toolUse ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: 20 },
  });
  send('message_stop', {});
  res.end();
}

/**
 * Answers one Messages API request with its script's next turn: a tool call (claude's Bash for a
 * shell step), or the final text. Requests that play no script (claude's side requests) get a
 * short text reply.
 */
export function answerMessages(res: ServerResponse, body: MessagesRequest, scripts: Scripts): string {
  const model = body.model ?? 'claude';
  const { planPath, prompts, last } = readConversation(body);
  const toolNames = body.tools?.map((t) => t.name) ?? [];
  const script = pickScript(scripts, { planPath, prompts, toolNames, shellOffered: toolNames.includes('Bash') });
  if (script === null) {
    stream(res, model, [{ type: 'text', text: 'OK.' }]);
    return 'side request';
  }
  const { index, attempt } = nextStep(script, last);
  const step = script[index] ?? { text: 'Done.' };
  if ('text' in step) stream(res, model, [{ type: 'text', text: step.text }]);
  else
    stream(res, model, [
      {
        type: 'tool_use',
        id: callId('toolu', index, attempt),
        ...('tool' in step
          ? { name: step.tool, input: step.input }
          : { name: 'Bash', input: { command: step.shell, description: `step ${index + 1}`, timeout: 60_000 } }),
      },
    ]);
  return `step ${index}`;
}
