import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcess } from '@dispatch/backends';
import { dispatchHome } from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import { BUILD_ID, ensureDaemonFor, runningDaemon, VERSION } from '@dispatch/runtime';
import { printJson } from '../json-output.js';

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
  ctx.io.out(
    isSameProcess(info.pid, info.startTime)
      ? `the daemon (pid ${info.pid}) is still stopping\n`
      : `stopped the daemon (pid ${info.pid})\n`,
  );
}

/** `dispatch daemon status [--json]`: `{running, pid, version}`. */
export async function status(ctx: CommandContext): Promise<void> {
  const info = await runningDaemon(dispatchHome(ctx.io.env));
  const value = { running: info !== null, pid: info?.pid ?? null, version: info?.version ?? null };
  if (ctx.options.json === true) printJson(ctx.io, value);
  else
    ctx.io.out(
      info
        ? `running (pid ${info.pid}, version ${info.version}${info.buildId === BUILD_ID ? '' : `; this CLI is ${VERSION}, another build`})\n`
        : 'not running\n',
    );
}

/** `dispatch daemon run`: be the daemon, in the foreground (what `start` launches). */
export async function runForeground(ctx: CommandContext): Promise<number> {
  const { runDaemonProcess } = await import('@dispatch/runtime/daemon');
  return runDaemonProcess(ctx.io.env, ctx.io.bin, ctx.io.err);
}
