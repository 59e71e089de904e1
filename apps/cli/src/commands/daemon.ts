import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcess } from '@dispatch/backends/process-identity';
import { dispatchHome } from '@dispatch/config/home';
import type { CommandContext } from '../command-spec.js';
import { runningDaemon } from '../daemon/daemon-files.js';
import { printJson } from '../json-output.js';
import { VERSION } from '../version.js';
import { binPath, ensureDaemonFor } from '../workspace.js';

/** `dispatch daemon start`: start it detached if it is not running. */
export async function start(ctx: CommandContext): Promise<void> {
  const how = await ensureDaemonFor(ctx.io);
  ctx.io.out(how === 'running' ? 'the daemon is running\n' : 'daemon started\n');
}

/**
 * `dispatch daemon stop`: ask it to stop (SIGTERM) and wait (up to 10 s) until it has; workers
 * keep running and are followed by the next one.
 */
export async function stop(ctx: CommandContext): Promise<void> {
  const info = await runningDaemon(dispatchHome(ctx.io.env));
  if (!info) {
    ctx.io.out('no daemon is running\n');
    return;
  }
  process.kill(info.pid, 'SIGTERM');
  const end = Date.now() + 10_000;
  while (isSameProcess(info.pid, info.startTime) && Date.now() < end) await sleep(25);
  ctx.io.out(isSameProcess(info.pid, info.startTime) ? `the daemon (pid ${info.pid}) is still stopping\n` : `stopped the daemon (pid ${info.pid})\n`);
}

/** `dispatch daemon status [--json]`: `{running, pid, version}`. */
export async function status(ctx: CommandContext): Promise<void> {
  const info = await runningDaemon(dispatchHome(ctx.io.env));
  const value = { running: info !== null, pid: info?.pid ?? null, version: info?.version ?? null };
  if (ctx.options.json === true) printJson(ctx.io, value);
  else ctx.io.out(info ? `running (pid ${info.pid}, version ${info.version}${info.version === VERSION ? '' : `; this CLI is ${VERSION}`})\n` : 'not running\n');
}

/** `dispatch daemon run`: be the daemon, in the foreground (what `start` launches). */
export async function runForeground(ctx: CommandContext): Promise<number> {
  const { runDaemon } = await import('../daemon/daemon.js');
  const { DISPATCH_DAEMON_IDLE_MS: idle, DISPATCH_STALL_MS: stall } = ctx.io.env;
  // Another daemon already running is not an error: there is one, as asked.
  const ran = await runDaemon({
    home: dispatchHome(ctx.io.env),
    bin: binPath(),
    version: VERSION,
    ...(idle && { idleMs: Number(idle) }),
    ...(stall && { stallMs: Number(stall) }),
  });
  const other = ran ? null : await runningDaemon(dispatchHome(ctx.io.env));
  if (other) ctx.io.err(`a daemon already runs (pid ${other.pid})\n`);
  return 0;
}
