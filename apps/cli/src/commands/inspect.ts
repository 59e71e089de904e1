import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError, dispatchHome } from '@dispatch/config';
import { type Inspector, inspectorUiDir, newToken, startInspector } from '@dispatch/inspector';
import { isSameProcess, processStartTime } from '@dispatch/backends';
import {
  readInspectorState,
  writeFileAtomic,
  writeInspectorState,
  listRegistrations,
  readQueue,
  type DerivedTask,
} from '@dispatch/ipc-fs';
import {
  adoptCallerEnv,
  ensureDaemonFor,
  loadUserConfig,
  usageError,
  userConfig,
  workspaceOf,
} from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import type { Io } from '../io.js';
import { applyRepair, checkRepair } from './retry.js';

/** `--port N`: 0 (any free port) to 65535; undefined when not given. */
function portOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(value).trim() === '') {
    throw usageError(`--port: ${JSON.stringify(value)} is not a port (0-65535; 0 picks a free one)`, 'invalid-input');
  }
  return port;
}

/** Models a retry or continue may choose: the config's models and aliases, and the built-in sim. */
async function modelChoices(io: Io) {
  const config = await loadUserConfig(io.env).then(
    (l) => l.config,
    (err: unknown) => {
      if (err instanceof ConfigError) return null;
      throw err;
    },
  );
  const models = Object.entries(config?.models ?? {}).map(([model, m]) => ({
    model,
    backend: m.backend,
    isDefault: config?.default === model,
  }));
  const aliases = Object.entries(config?.aliases ?? {}).map(([model, a]) => ({
    model,
    backend: `alias of ${a.model}`,
    isDefault: config?.default === model,
  }));
  return [...models, ...aliases, { model: 'sim', backend: 'built-in', isDefault: false }].sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault),
  );
}

/** Where the browser opener finds the URL: a 0600 file in the 0700 home, never a command line (/proc shows argv to all). */
function openerPage(home: string): string {
  return join(home, 'inspector-open.html');
}

/**
 * Opens `url` in the user's browser when there is a display to show it on; never fails the
 * command. The opener gets a file that sends the browser on to the URL, as Jupyter does: the
 * token never appears in a process's argv.
 */
async function openBrowser(io: Io, home: string, url: string): Promise<void> {
  const mac = process.platform === 'darwin';
  if (!mac && !io.env.DISPLAY && !io.env.WAYLAND_DISPLAY) return;
  const page = openerPage(home);
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  await writeFileAtomic(
    page,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${href}"><title>dispatch inspector</title><p><a href="${href}">Open the dispatch inspector</a></p>\n`,
    { mode: 0o600 },
  );
  try {
    const child = spawn(mac ? 'open' : 'xdg-open', [page], { detached: true, stdio: 'ignore', env: io.env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: the URL is on stdout
  }
}

/** The inspector another `inspect` runs now, from its 0600 record (its process is checked, no request is sent). */
async function runningInspector(home: string) {
  const saved = await readInspectorState(home);
  return saved && saved.pid > 1 && isSameProcess(saved.pid, saved.startTime) ? saved : null;
}

const isInUse = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EADDRINUSE';

/**
 * `dispatch inspect [--port N] [--no-open]`: serves the inspector on 127.0.0.1 (and [::1]) until
 * Ctrl-C. The first stdout line is the URL with its token (DESIGN.md), valid while this runs; each
 * start has a fresh token. The running one is recorded in `$DISPATCH_HOME/inspector.json` (0600),
 * so the next `inspect` prints its URL instead of starting a second (the saved port is reused
 * when free).
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const requested = portOption(ctx.options.port);
  const home = dispatchHome(io.env);
  const { dispatchDir } = workspaceOf(io);
  const open = ctx.options.open !== false;
  const running = await runningInspector(home);
  if (running && (requested === undefined || requested === 0 || requested === running.port)) {
    const url = `http://127.0.0.1:${running.port}/?token=${running.token}`;
    io.out(`${url}\n`);
    io.err('the inspector is already running there\n');
    if (open) await openBrowser(io, home, url);
    return 0;
  }
  const saved = await readInspectorState(home);
  const token = newToken();
  const options = {
    dispatchDir,
    token,
    uiDir: inspectorUiDir(),
    registrations: () => listRegistrations(home),
    queue: () => readQueue(home),
    ensureDaemon: () => ensureDaemonFor(io),
    models: () => modelChoices(io),
    // The next worker of a retried or continued task gets this shell's environment, as from the CLI.
    adoptEnvironment: (derived: DerivedTask) =>
      adoptCallerEnv(io.env, home, { dispatchDir: dirname(dirname(derived.paths.dir)), id: derived.task.id }),
    // The same checks and the same validated, comment-keeping edit as `dispatch retry`.
    repairConfig: async (
      repair: { setDefault: boolean; removeFailed: boolean },
      chosen: string | undefined,
      failed: string,
    ) => {
      checkRepair(repair, chosen, failed, await userConfig(io.env));
      return applyRepair(io.env, repair, chosen ?? failed, failed);
    },
  };
  let inspector: Inspector;
  const port = requested ?? saved?.port ?? 0;
  try {
    inspector = await startInspector({ ...options, port });
  } catch (err) {
    if (!isInUse(err)) throw err;
    if (requested !== undefined && requested !== 0)
      throw usageError(`--port ${requested}: the port is in use (--port 0 picks a free one)`, 'invalid-input');
    inspector = await startInspector({ ...options, port: 0 });
  }
  await writeInspectorState(home, {
    port: inspector.port,
    token,
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? '',
  });
  io.out(`${inspector.url}\n`);
  if (options.uiDir === null) io.err('dispatch: the inspector page is not built (pnpm build); the API still answers\n');
  io.err(`inspector running on 127.0.0.1${inspector.ipv6 ? ' and [::1]' : ''} only; Ctrl-C to stop\n`);
  if (open) await openBrowser(io, home, inspector.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await inspector.close();
  await rm(openerPage(home), { force: true });
  return 0;
}
