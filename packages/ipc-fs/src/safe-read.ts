import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { IpcError, isErrno } from './errors.js';

/**
 * How every protocol file is opened for reading: never through a symlink (a committed or planted
 * link must not make dispatch read, or copy into its log, a file it points at), and without
 * blocking (a FIFO in place of a question must not hang `status`). What opens is then read only
 * if it is a regular file.
 */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Limits for the files of a task, far above what workers and dispatch write. */
export const FILE_LIMITS = {
  /** plan.md, output.md, context.md, a question or an answer, a request. */
  text: 4 * 1024 * 1024,
  /** task.json and the attempt records. */
  record: 256 * 1024,
  /** events.jsonl. */
  log: 256 * 1024 * 1024,
} as const;

export interface ReadLimit {
  /** Most bytes read (default `FILE_LIMITS.text`). */
  limit?: number;
  /** Past the limit: read the first `limit` bytes (true) or refuse the file (false, default). */
  truncate?: boolean;
}

function refused(path: string, why: string): IpcError {
  return new IpcError('unsafe-file', `${path}: ${why}; dispatch reads only regular files it can trust`, { file: path });
}

function openError(path: string, err: unknown): unknown {
  // O_NOFOLLOW on a symlink: ELOOP (Linux, macOS) or EMLINK (FreeBSD).
  return isErrno(err, 'ELOOP') || isErrno(err, 'EMLINK') ? refused(path, 'a symbolic link') : err;
}

function checkStats(path: string, stats: { isFile(): boolean; size: number }, limit: number, truncate: boolean) {
  if (!stats.isFile()) throw refused(path, 'not a regular file');
  if (stats.size > limit && !truncate) throw refused(path, `larger than ${limit} bytes`);
}

/**
 * Reads protocol file `path` as UTF-8: a regular file, opened without following a symlink or
 * blocking, at most `limit` bytes. A missing file throws ENOENT as `readFileSync` does; a symlink,
 * FIFO, device or oversized file throws `IpcError('unsafe-file')`.
 */
export function readDataFileSync(path: string, options: ReadLimit = {}): string {
  const { limit = FILE_LIMITS.text, truncate = false } = options;
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const stats = fstatSync(fd);
    checkStats(path, stats, limit, truncate);
    return readAll(limit, stats.size, (buffer, offset, length) => readSync(fd, buffer, offset, length, null));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads what `fstat` said the file holds (at most `limit`), as readFileSync does: protocol files
 * are published whole (written, then renamed), so they do not grow while read.
 */
function readAll(
  limit: number,
  size: number,
  read: (buffer: Buffer, offset: number, length: number) => number,
): string {
  const buffer = Buffer.allocUnsafe(Math.min(limit, size));
  let total = 0;
  while (total < buffer.length) {
    const n = read(buffer, total, buffer.length - total);
    if (n === 0) break;
    total += n;
  }
  return buffer.toString('utf8', 0, total);
}

/** `readDataFileSync`, without blocking the event loop. */
export async function readDataFile(path: string, options: ReadLimit = {}): Promise<string> {
  const { limit = FILE_LIMITS.text, truncate = false } = options;
  const handle = await open(path, READ_FLAGS).catch((err: unknown) => Promise.reject(openError(path, err)));
  try {
    const stats = await handle.stat();
    checkStats(path, stats, limit, truncate);
    const buffer = Buffer.allocUnsafe(Math.min(limit, stats.size));
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return buffer.toString('utf8', 0, total);
  } finally {
    await handle.close();
  }
}

/** Whether `err` is a refusal of `readDataFile` (the file is there but not one to read). */
export function isUnsafeFile(err: unknown): boolean {
  return err instanceof IpcError && err.code === 'unsafe-file';
}
