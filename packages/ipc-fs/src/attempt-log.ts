import { existsSync } from 'node:fs';
import { open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskPaths } from './paths.js';
import { FILE_LIMITS, READ_FLAGS, readDataFileSync } from './safe-read.js';

/** How much of an attempt's output the classifier reads: a CLI explains its failure at the end. */
export const LOG_TAIL_BYTES = 64 * 1024;

// Every attempt appends to the one worker.log: where an attempt's output starts keeps an earlier
// attempt's error (say claude's "Not logged in") from being blamed on a retry with another CLI.
const startFile = (paths: TaskPaths, attempt: number) => join(paths.attempts, `${attempt}.log-start`);

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

/** Notes worker.log's size before attempt N's worker is launched. */
export async function markAttemptLogStart(paths: TaskPaths, attempt: number): Promise<void> {
  await writeFile(startFile(paths, attempt), `${await sizeOf(paths.workerLog)}\n`);
}

function readStart(paths: TaskPaths, attempt: number): number {
  try {
    const n = Number(readDataFileSync(startFile(paths, attempt), { limit: FILE_LIMITS.record }).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0; // an attempt from before this record existed: read the tail as is
  }
}

async function readRange(path: string, from: number, to: number): Promise<string> {
  if (to <= from) return '';
  // Never through a symlink, never blocked on a FIFO (see safe-read.ts).
  const handle = await open(path, READ_FLAGS);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    return '';
  }
  try {
    const buf = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Where attempt N's output ends: where attempt N+1's begins, once it has (and the log was not cut since), else the log's end. */
function attemptEnd(paths: TaskPaths, attempt: number, start: number, size: number): number {
  if (!existsSync(startFile(paths, attempt + 1))) return size;
  const next = readStart(paths, attempt + 1);
  return next >= start && next <= size ? next : size;
}

/**
 * The last `maxBytes` of attempt N's output in worker.log (stdout and stderr interleaved), without
 * a later attempt's. A log cut to size since the attempt began is shorter than its start: then the
 * tail is all this attempt's.
 */
export async function readAttemptLogTail(
  paths: TaskPaths,
  attempt: number,
  maxBytes = LOG_TAIL_BYTES,
): Promise<string> {
  const size = await sizeOf(paths.workerLog);
  const start = readStart(paths, attempt);
  if (start > size) return readRange(paths.workerLog, Math.max(0, size - maxBytes), size);
  const end = attemptEnd(paths, attempt, start, size);
  return readRange(paths.workerLog, Math.max(start, end - maxBytes), end);
}

/**
 * The first `maxBytes` of attempt N's output (where a CLI names its session), or '' when the log
 * was cut since the attempt began (its beginning is gone).
 */
export async function readAttemptLogHead(
  paths: TaskPaths,
  attempt: number,
  maxBytes = LOG_TAIL_BYTES,
): Promise<string> {
  const size = await sizeOf(paths.workerLog);
  const start = readStart(paths, attempt);
  if (start > size) return '';
  return readRange(paths.workerLog, start, Math.min(attemptEnd(paths, attempt, start, size), start + maxBytes));
}
