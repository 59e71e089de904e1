import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IpcError, isValidTaskId, type QueueEntry } from '@dispatch/ipc-fs';
import { taskChart } from '../chart/task-chart.js';
import type { ActionBody, TaskListResponse } from '../shared/api-types.js';
import { ACTIONS, applyAction, type ActionHost, type ActionName } from './actions.js';
import { LiveChanges } from './live.js';
import { hostAllowed, originAllowed, presentedToken, sameToken, serverHosts } from './request-guard.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';
import { taskDetail } from './task-detail.js';
import { byUrgency, STATE_FILTER_ORDER, summarize, summaryOf } from './task-summary.js';
import { workspacesOf, type RegisteredTask, type Workspace } from './workspaces.js';
import { deriveTask } from '@dispatch/runtime';

/** What the inspector serves and how it reaches the rest of dispatch (the CLI supplies these). */
export interface InspectorOptions extends ActionHost {
  /** The `.dispatch` directory of the workspace `inspect` was run in (shown first). */
  dispatchDir: string;
  /** The tasks registered with the daemon, of every workspace. */
  registrations(): Promise<RegisteredTask[]>;
  /** Why the daemon keeps queued tasks waiting (its `queue.json`); none when not given. */
  queue?(): Promise<QueueEntry[]>;
  /** The built page (index.html and assets); null serves a one-line page saying it is missing. */
  uiDir: string | null;
  token: string;
  /** 0: any free port. */
  port: number;
}

/** A running inspector. */
export interface Inspector {
  url: string;
  port: number;
  /** The server on 127.0.0.1. */
  server: Server;
  /** Whether it also holds [::1] on its port (then `localhost` names it too). */
  ipv6: boolean;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

const MAX_BODY = 256 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const raw = typeof body === 'string' || Buffer.isBuffer(body);
  const text = raw ? body : JSON.stringify(body);
  const type = raw ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<ActionBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const value = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('not a JSON object');
  return value as ActionBody;
}

const MISSING_UI =
  '<!doctype html><title>dispatch inspector</title><p>The inspector page is not built: run <code>pnpm build</code>.</p>';

/**
 * Starts the inspector's HTTP server on 127.0.0.1, and on [::1] with the same port when it is
 * free (a browser may resolve `localhost` to either; `localhost` is refused unless both are
 * ours). Every request must name this server in its Host header (against DNS rebinding) and
 * present the token — in the query (the printed URL, the page's event stream) or the
 * `x-dispatch-token` header (the page's fetches) — compared in constant time. No cookie: cookies
 * ignore ports, so every service on 127.0.0.1 would receive it. State-changing requests must
 * also come from this server's own page (`Origin`). The browser names tasks by workspace key and
 * validated id only.
 */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const files: Map<string, StaticFile> = options.uiDir ? await loadStaticFiles(options.uiDir) : new Map();
  const live = new LiveChanges();
  let port = options.port;
  let hosts: string[] = [];
  let workspaces: Workspace[] = [];

  const refreshWorkspaces = async () => {
    workspaces = workspacesOf(options.dispatchDir, await options.registrations());
    for (const w of workspaces) live.follow(w.ws, w.dispatchDir);
    return workspaces;
  };
  const findTask = async (ws: string, id: string) => {
    if (!isValidTaskId(id)) return null;
    const known = (w: Workspace[]) => w.find((x) => x.ws === ws && x.ids.includes(id));
    const workspace = known(workspaces) ?? known(await refreshWorkspaces());
    return workspace ?? null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, hosts)) return send(res, 403, 'forbidden: unexpected Host header');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const token = presentedToken(req, url);
    if (!sameToken(token, options.token)) return send(res, 401, 'unauthorized: open the URL dispatch inspect printed');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && !originAllowed(req, hosts)) return send(res, 403, 'forbidden: request from another page');

    if (method === 'GET' && (path === '/' || path === '/index.html')) {
      const page = files.get('/index.html');
      // The page's script and stylesheet are fetched by the browser, not by the page's code:
      // their URLs carry the token (there is no cookie to carry it).
      const body = page ? withTokenInAssets(page.body.toString('utf8'), options.token) : MISSING_UI;
      return send(res, 200, body, { 'content-type': 'text/html; charset=utf-8' });
    }
    if (method === 'GET' && path === '/api/ping') return send(res, 200, { ok: true, pid: process.pid });
    if (method === 'GET' && path === '/api/events') return live.attach(res);
    if (method === 'GET' && path === '/api/chart') {
      // Laid out at build time and shipped with the page; computed here only without one.
      const built = files.get('/chart.json');
      return built
        ? send(res, 200, built.body, { 'content-type': 'application/json' })
        : send(res, 200, await taskChart());
    }
    if (method === 'GET' && path === '/api/tasks') {
      const list: TaskListResponse = { workspaces: [], states: STATE_FILTER_ORDER, now: Date.now() };
      const queue = (await options.queue?.().catch(() => [])) ?? [];
      for (const w of await refreshWorkspaces()) {
        const tasks = (await summarize(w.dispatchDir, w.ws, w.ids, queue)).sort(byUrgency);
        list.workspaces.push({ ws: w.ws, dispatchDir: w.dispatchDir, current: w.current, tasks });
      }
      return send(res, 200, list);
    }
    const task = /^\/api\/tasks\/([0-9a-f]{16})\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (task) {
      const [, ws, id, action] = task as unknown as [string, string, string, string | undefined];
      const workspace = await findTask(ws, id);
      if (!workspace) return send(res, 404, { ok: false, message: `no task ${JSON.stringify(id)} in that workspace` });
      if (method === 'GET' && action === 'summary') {
        return send(res, 200, summaryOf(await deriveTask(workspace.dispatchDir, id), ws));
      }
      if (method === 'GET' && action === undefined) {
        const derived = await deriveTask(workspace.dispatchDir, id);
        return send(
          res,
          200,
          await taskDetail(derived, ws, workspace.registered.has(id), await options.models().catch(() => [])),
        );
      }
      if (method === 'POST' && action !== undefined && (ACTIONS as readonly string[]).includes(action)) {
        // A form elsewhere cannot send JSON without a preflight this server never grants.
        if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
          return send(res, 415, { ok: false, message: 'send JSON' });
        const body = await readBody(req);
        const derived = await deriveTask(workspace.dispatchDir, id);
        const outcome = await applyAction(action as ActionName, derived, workspace.registered.has(id), body, options);
        live.changed({ ws, id });
        return send(res, outcome.status, { ok: outcome.ok, message: outcome.message });
      }
      return send(res, 405, { ok: false, message: 'method not allowed' });
    }
    const file = method === 'GET' ? files.get(path) : undefined;
    if (file) return send(res, 200, file.body, { 'content-type': file.type, 'cache-control': 'no-cache' });
    return send(res, 404, 'not found');
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof SyntaxError || err instanceof RangeError)
        return send(res, 400, { ok: false, message: err.message });
      if (err instanceof IpcError) return send(res, 409, { ok: false, message: err.message });
      send(res, 500, { ok: false, message: err instanceof Error ? err.message : String(err) });
    });
  };
  const server = createServer(handler);
  await listen(server, options.port, '127.0.0.1');
  port = (server.address() as AddressInfo).port;
  // [::1] on the same port, if it is free: taken by someone else (or no IPv6), `localhost` is refused.
  const server6 = createServer(handler);
  const ipv6 = await listen(server6, port, '::1').then(
    () => true,
    () => false,
  );
  hosts = serverHosts(port, ipv6);
  await refreshWorkspaces();
  return {
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    port,
    server,
    ipv6,
    async close() {
      await live.close();
      for (const s of ipv6 ? [server, server6] : [server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** index.html with `?token=` on its own `./assets/` URLs (the token is hex: nothing to escape). */
function withTokenInAssets(html: string, token: string): string {
  return html.replace(/((?:src|href)="\.?\/assets\/[^"?]+)"/g, `$1?token=${token}"`);
}
