import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { BUILD_ID } from '../version.js';
import { daemonFiles } from '@dispatch/ipc-fs';
import { runningDaemon } from './daemon-info.js';

/**
 * Makes sure a daemon of this build runs for `home`, starting one detached (own session,
 * no stdio tied to this process, so `$(dispatch run …)` never hangs) when there is none, and
 * replacing one of another build (a CLI and an app built from the same source share one). Never waits for it.
 */
export async function ensureDaemon(home: string, bin: string, env: NodeJS.ProcessEnv): Promise<'running' | 'started'> {
  const running = await runningDaemon(home);
  if (running && running.buildId === BUILD_ID) {
    process.kill(running.pid, 'SIGUSR2'); // look at the registrations now (a new task may wait)
    return 'running';
  }
  if (running) process.kill(running.pid, 'SIGTERM');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const out = openSync(daemonFiles(home).log, 'a', 0o600);
  // Loaded here, not at the top: most commands find the daemon running and spawn nothing.
  const { spawn } = process.getBuiltinModule('node:child_process');
  const child = spawn(process.execPath, [bin, 'daemon', 'run'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...env, DISPATCH_HOME: home },
  });
  child.unref();
  return 'started';
}
