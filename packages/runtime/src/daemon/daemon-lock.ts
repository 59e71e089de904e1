import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { daemonFiles } from '@dispatch/ipc-fs';
import { runningDaemon } from './daemon-info.js';
import { takeDeadHoldersLock } from './dead-holder-lock.js';

/** How long a lock of a dead holder takes to go stale, and how long a newcomer waits for that. */
const STALE_MS = 3_000;
const WAIT_MS = 10_000;

/**
 * Takes the one-daemon-per-`DISPATCH_HOME` lock, or returns null when another daemon holds it. The
 * lock (proper-lockfile: a directory made atomically, its mtime refreshed every second) goes
 * stale 3 s after its holder dies, even by `kill -9`, and is then taken over: it cannot stay stuck.
 * Sooner when `daemon.json` names the holder of that very lock as a process of this machine that
 * is gone (see takeDeadHoldersLock): a restart after `kill -9` does not wait for staleness.
 *
 * A newcomer gives up at once when `daemon.json` names a live holder: two commands that each
 * started a daemon must not leave the loser waiting in the background, to take over after the
 * winner stops (`daemon stop` would then not stop). It waits only for a holder that is dead,
 * starting (not named yet) or leaving (no longer named).
 */
export async function acquireDaemonLock(
  home: string,
  onLost: (err: Error) => void,
): Promise<(() => Promise<void>) | null> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await lockfile.lock(home, {
        realpath: false,
        lockfilePath: daemonFiles(home).lock,
        stale: STALE_MS,
        update: 1_000,
        retries: 0,
        onCompromised: onLost,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    const holder = await runningDaemon(home);
    if ((holder && holder.pid !== process.pid) || Date.now() >= deadline) return null;
    // A holder killed with -9 named itself and its lock: take that lock now, not once stale.
    if (await takeDeadHoldersLock(home).catch(() => false)) continue;
    await sleep(50);
  }
}
