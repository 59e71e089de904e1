import { readFileSync } from 'node:fs';
import { open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskPaths } from '@dispatch/ipc-fs/paths';

/** How much of an attempt's output the classifier reads: a CLI explains its failure at the end. */
export const LOG_TAIL_BYTES = 64 * 1024;

// Every attempt appends to the one worker.log: where an attempt's output starts keeps an earlier
// attempt's error (say claude's "Not logged in") from being blamed on a retry with another CLI.
const startFile = (paths: TaskPaths, attempt: number) => join(paths.attempts, `${attempt}.log-start`);

const sizeOf = (path: string) => stat(path).then((s) => s.size, () => 0);

/** Notes worker.log's size before attempt N's worker is launched. */
export async function markAttemptLogStart(paths: TaskPaths, attempt: number): Promise<void> {
  await writeFile(startFile(paths, attempt), `${await sizeOf(paths.workerLog)}\n`);
}

function readStart(paths: TaskPaths, attempt: number): number {
  try {
    const n = Number(readFileSync(startFile(paths, attempt), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0; // an attempt from before this record existed: read the tail as is
  }
}

/**
 * The last `maxBytes` of attempt N's output in worker.log (stdout and stderr interleaved). A log
 * cut to size since the attempt began is shorter than its start: then the tail is all this attempt's.
 */
export async function readAttemptLogTail(paths: TaskPaths, attempt: number, maxBytes = LOG_TAIL_BYTES): Promise<string> {
  const size = await sizeOf(paths.workerLog);
  const start = readStart(paths, attempt);
  const from = Math.max(start <= size ? start : 0, size - maxBytes);
  if (size <= from) return '';
  const handle = await open(paths.workerLog, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
