import { dispatchHome } from '@dispatch/config';
import { hostDaemon } from './daemon.js';
import { runningDaemon } from './daemon-info.js';

/**
 * `daemon run`, as the CLI and the runtime's own executable both serve it: be the daemon of
 * `$DISPATCH_HOME` in the foreground (what starting one launches), with the test knobs
 * `DISPATCH_DAEMON_IDLE_MS` and `DISPATCH_STALL_MS`. Another daemon already running is not an
 * error: there is one, as asked (said on `err`).
 */
export async function runDaemonProcess(
  env: NodeJS.ProcessEnv,
  bin: string,
  err: (text: string) => void,
): Promise<number> {
  const { DISPATCH_DAEMON_IDLE_MS: idle, DISPATCH_STALL_MS: stall } = env;
  const home = dispatchHome(env);
  const ran = await hostDaemon({
    home,
    bin,
    ...(idle && { idleMs: Number(idle) }),
    ...(stall && { stallMs: Number(stall) }),
  });
  const other = ran ? null : await runningDaemon(home);
  if (other) err(`a daemon already runs (pid ${other.pid})\n`);
  return 0;
}
