import type { ServerResponse } from 'node:http';
import { callId, nextStep, planPathIn, promptsIn, type Conversation, type ScriptStep } from './worker-script.js';

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
 * Answers one Gemini API request with the script's next turn: a shell command through gemini's
 * `run_shell_command` tool, or the final text. Requests without a worker prompt or that tool
 * (gemini's side requests) get a short text reply.
 */
export function answerGemini(
  res: ServerResponse,
  path: string,
  body: GenerateContentRequest,
  scriptFor: (planPath: string, conversation: Conversation) => ScriptStep[],
): string {
  const stream = path.endsWith(':streamGenerateContent');
  const { planPath, prompts, last } = readContents(body);
  const hasShell =
    body.tools?.some((t) => t.functionDeclarations?.some((f) => f.name === 'run_shell_command')) ?? false;
  if (planPath === null || !hasShell) {
    send(res, stream, [{ text: 'OK.' }]);
    return 'side request';
  }
  const script = scriptFor(planPath, { prompts });
  const { index, attempt } = nextStep(script, last);
  const step = script[index] ?? { text: 'Done.' };
  if ('text' in step) send(res, stream, [{ text: step.text }]);
  else
    send(res, stream, [
      {
        functionCall: {
          id: callId('gem', index, attempt),
          name: 'run_shell_command',
          args: { command: step.shell, description: `step ${index + 1}` },
        },
      },
    ]);
  return `step ${index}`;
}
