import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerMessages, type MessagesRequest } from './anthropic-messages.js';
import { errorReply, type FailureStatus } from './error-replies.js';
import { answerGemini, type GenerateContentRequest } from './google-gemini.js';
import { answerResponses, type ResponsesRequest } from './openai-responses.js';
import { protocolScript, type Conversation, type ScriptStep } from './worker-script.js';

/** The first `count` model requests get `status` (a quota that clears, say), the rest the script. */
export interface FailFirst {
  status: FailureStatus;
  count: number;
}

/**
 * How the fake answers model requests: play the worker script (the default protocol script when
 * none is given), perhaps after failing the first few; or fail every one with a status.
 */
export type FakeApiBehaviour =
  | {
      script?: (planPath: string, conversation: Conversation) => ScriptStep[];
      /** What a CLI running as a host does: tool calls (dispatch's MCP tools, say) and a final text. */
      host?: ScriptStep[];
      failFirst?: FailFirst;
    }
  | { fail: FailureStatus };

const defaultScript = (plan: string) => protocolScript(plan, DEFAULT_QUESTION);

/** One model request the fake got, and what it did with it. */
export interface SeenRequest {
  path: string;
  model: string | undefined;
  reply: string;
  /** The request's body as sent: what the CLI carried over from earlier turns. */
  body: string;
}

/** A running fake model API. */
export interface FakeModelApi {
  /** `http://127.0.0.1:<port>`: claude's ANTHROPIC_BASE_URL and gemini's GOOGLE_GEMINI_BASE_URL; codex's provider base_url is this plus `/v1`. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** The script the end-to-end tests use: the worker protocol with one question. */
export const DEFAULT_QUESTION = 'Which greeting should greeting.txt hold?';

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/**
 * A scripted stand-in for the Anthropic Messages API and the OpenAI Responses API on 127.0.0.1
 * (a free port), enough to drive the real claude and codex CLIs through a dispatch task — or as
 * the host that runs one through dispatch's MCP tools: each model turn is the script's next
 * step, found from the plan path in the worker prompt (or the host script's tools on offer) and
 * the previous tool call's id, so it keeps no state between requests. A test double: it
 * checks no key and knows no model.
 */
export async function startFakeModelApi(behaviour: FakeApiBehaviour = {}): Promise<FakeModelApi> {
  const requests: SeenRequest[] = [];
  // `fail` fails every model request, `failFirst` only the first `count` (in arrival order).
  const failure = 'fail' in behaviour ? { status: behaviour.fail, count: Infinity } : behaviour.failFirst;
  let failed = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const isMessages = req.method === 'POST' && path === '/v1/messages';
      const isResponses = req.method === 'POST' && path === '/v1/responses';
      const isGemini = req.method === 'POST' && /^\/v1beta\/models\/[^/:]+:(?:stream)?[gG]enerateContent$/.test(path);
      if (!isMessages && !isResponses && !isGemini) {
        // claude checks the base URL is reachable (HEAD /) before its first request.
        res.writeHead(req.method === 'HEAD' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(
          req.method === 'HEAD'
            ? undefined
            : JSON.stringify({ error: { message: `the fake model API has no ${req.method} ${path}` } }),
        );
        return;
      }
      const body = JSON.parse(text || '{}') as MessagesRequest & ResponsesRequest & GenerateContentRequest;
      if (isGemini) body.model = /models\/([^/:]+)/.exec(path)![1];
      if (failure && failed < failure.count) {
        if (isGemini) throw new Error('the fake model API fails no Gemini requests');
        failed++;
        const reply = errorReply(isMessages ? 'anthropic' : 'openai', failure.status, body.model ?? 'model');
        res.writeHead(reply.status, reply.headers).end(reply.body);
        requests.push({ path, model: body.model, reply: String(reply.status), body: text });
        return;
      }
      const scripts =
        'fail' in behaviour
          ? { worker: defaultScript }
          : { worker: behaviour.script ?? defaultScript, host: behaviour.host };
      const reply = isMessages
        ? answerMessages(res, body, scripts)
        : isGemini
          ? answerGemini(res, path, body, scripts)
          : answerResponses(res, body, scripts);
      requests.push({ path, model: body.model, reply, body: text });
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake model API: ${(err as Error).message}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released): "the API is absent", connection refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
