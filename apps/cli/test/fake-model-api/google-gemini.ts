import type { ServerResponse } from 'node:http';
import { pickScript, type Scripts } from './pick-script.js';
import { callId, nextStep, planPathIn, promptsIn } from './worker-script.js';

interface Part {
  text?: string;
  functionResponse?: { id?: string; name?: string; response?: { output?: unknown } };
}
/** The part of a `POST /v1beta/models/<model>:(stream)generateContent` body the fake reads. */
export interface GenerateContentRequest {
  contents?: { role?: string; parts?: Part[] }[];
  tools?: { functionDeclarations?: { name: string }[] }[];
}

/** The user's texts (where the worker prompt is) and the last function response, with its call id. */
export function readContents(body: GenerateContentRequest) {
  const contents = body.contents ?? [];
  const texts = contents.filter((c) => c.role === 'user').flatMap((c) => (c.parts ?? []).map((p) => p.text ?? ''));
  const last = contents
    .flatMap((c) => c.parts ?? [])
    .filter((p) => p.functionResponse)
    .at(-1)?.functionResponse;
  const output = last?.response?.output;
  return {
    planPath: planPathIn(texts),
    prompts: promptsIn(texts),
    last: last
      ? { id: last.id ?? '', output: typeof output === 'string' ? output : JSON.stringify(output ?? '') }
      : null,
  };
}

/** One reply of the Gemini API, streamed as SSE (`?alt=sse`) or sent whole. */
function send(res: ServerResponse, stream: boolean, parts: object[]) {
  const reply = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
  };
  res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
  res.end(stream ? `data: ${JSON.stringify(reply)}\n\n` : JSON.stringify(reply));
}

/**
 * Answers one Gemini API request with its script's next turn: a function call (a shell step
 * through gemini's `run_shell_command` tool), or the final text. Requests that play no script
 * (gemini's side requests) get a short text reply.
 */
export function answerGemini(
  res: ServerResponse,
  path: string,
  body: GenerateContentRequest,
  scripts: Scripts,
): string {
  const stream = path.endsWith(':streamGenerateContent');
  const { planPath, prompts, last } = readContents(body);
  const toolNames = body.tools?.flatMap((t) => t.functionDeclarations?.map((f) => f.name) ?? []) ?? [];
  const script = pickScript(scripts, {
    planPath,
    prompts,
    toolNames,
    shellOffered: toolNames.includes('run_shell_command'),
  });
  if (script === null) {
    send(res, stream, [{ text: 'OK.' }]);
    return 'side request';
  }
  const { index, attempt } = nextStep(script, last);
  const step = script[index] ?? { text: 'Done.' };
  if ('text' in step) send(res, stream, [{ text: step.text }]);
  else
    send(res, stream, [
      {
        functionCall: {
          id: callId('gem', index, attempt),
          ...('tool' in step
            ? { name: step.tool, args: step.input }
            : { name: 'run_shell_command', args: { command: step.shell, description: `step ${index + 1}` } }),
        },
      },
    ]);
  return `step ${index}`;
}
