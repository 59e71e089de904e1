import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { daemonFiles } from './daemon-files.js';

/**
 * Takes the one-daemon-per-`DISPATCH_HOME` lock, or returns null when another daemon holds it. The
 * lock (proper-lockfile: a directory made atomically, its mtime refreshed every second) goes
 * stale 3 s after its holder dies, even by `kill -9`, and is then taken over: it cannot stay stuck.
 */
export async function acquireDaemonLock(home: string, onLost: (err: Error) => void): Promise<(() => Promise<void>) | null> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  try {
    return await lockfile.lock(home, {
      realpath: false,
      lockfilePath: daemonFiles(home).lock,
      stale: 3_000,
      update: 1_000,
      retries: { retries: 8, minTimeout: 200, maxTimeout: 1_000 },
      onCompromised: onLost,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw err;
  }
}
