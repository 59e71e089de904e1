import { watch, type FSWatcher } from 'node:fs';
import { readAnswer } from '@dispatch/ipc-fs';

/** How often the answer file is checked besides the watcher (inotify can miss or drop events). */
const POLL_MS = 500;

/**
 * Waits for the answer to question `seq` in `ipcDir`: resolves with its text, or null when
 * `timeoutMs` passes first. Watches the folder for speed and polls slowly as a safety net.
 */
export function waitForAnswer(ipcDir: string, seq: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let watcher: FSWatcher | undefined;
    const finish = (answer: string | null, err?: unknown) => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (err !== undefined) reject(err);
      else resolve(answer);
    };
    const check = () =>
      readAnswer(ipcDir, seq).then(
        (a) => a !== null && finish(a),
        (err: unknown) => finish(null, err),
      );
    try {
      watcher = watch(ipcDir, () => void check());
      watcher.on('error', () => undefined); // the poll still runs
    } catch {
      // no watcher (a filesystem without notifications): the poll alone finds the answer
    }
    const poll = setInterval(() => void check(), POLL_MS);
    // One last look at the deadline, so an answer written just then is not missed.
    const timer = setTimeout(
      () =>
        void readAnswer(ipcDir, seq).then(
          (a) => finish(a),
          (err: unknown) => finish(null, err),
        ),
      timeoutMs,
    );
    void check();
  });
}
