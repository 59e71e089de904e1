import { spawn } from 'node:child_process';
import { ConfigError, dispatchHome } from '@dispatch/config';
import { type Inspector, inspectorUiDir, newToken, startInspector, TOKEN_HEADER } from '@dispatch/inspector';
import { readInspectorState, writeInspectorState, listRegistrations } from '@dispatch/ipc-fs';
import { ensureDaemonFor, loadUserConfig, usageError, userConfig, workspaceOf } from '@dispatch/runtime';
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

/** Whether an inspector with our token already answers on `port` (then its URL is the one). */
async function alreadyServing(port: number, token: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/ping`, {
      headers: { [TOKEN_HEADER]: token },
      signal: AbortSignal.timeout(1500),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Opens `url` in the user's browser when there is a display to show it on; never fails the command. */
function openBrowser(io: Io, url: string): void {
  const mac = process.platform === 'darwin';
  if (!mac && !io.env.DISPLAY && !io.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(mac ? 'open' : 'xdg-open', [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: the URL is on stdout
  }
}

const isInUse = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EADDRINUSE';

/**
 * `dispatch inspect [--port N] [--no-open]`: serves the inspector on 127.0.0.1 until Ctrl-C. The
 * first stdout line is the URL with its token (DESIGN.md); port and token are kept in
 * `$DISPATCH_HOME/inspector.json` (0600), so a restarted inspector has the same URL and open pages
 * reconnect. When that inspector is already running, its URL is printed and this one exits.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const requested = portOption(ctx.options.port);
  const home = dispatchHome(io.env);
  const { dispatchDir } = workspaceOf(io);
  const saved = await readInspectorState(home);
  const token = saved?.token ?? newToken();
  const options = {
    dispatchDir,
    token,
    uiDir: inspectorUiDir(),
    registrations: () => listRegistrations(home),
    ensureDaemon: () => ensureDaemonFor(io),
    models: () => modelChoices(io),
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
    if (await alreadyServing(port, token)) {
      const url = `http://127.0.0.1:${port}/?token=${token}`;
      io.out(`${url}\n`);
      io.err('the inspector is already running there\n');
      if (ctx.options.open !== false) openBrowser(io, url);
      return 0;
    }
    if (requested !== undefined && requested !== 0)
      throw usageError(`--port ${requested}: the port is in use (--port 0 picks a free one)`, 'invalid-input');
    inspector = await startInspector({ ...options, port: 0 });
  }
  await writeInspectorState(home, { port: inspector.port, token });
  io.out(`${inspector.url}\n`);
  if (options.uiDir === null) io.err('dispatch: the inspector page is not built (pnpm build); the API still answers\n');
  io.err('inspector running on 127.0.0.1 only; Ctrl-C to stop\n');
  if (ctx.options.open !== false) openBrowser(io, inspector.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await inspector.close();
  return 0;
}
