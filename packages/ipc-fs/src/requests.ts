import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { publishExclusive } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { readDataFile } from './safe-read.js';

/** A command for the daemon, written by the CLI (or inspector) into a task's `requests/`. */
export type TaskRequest =
  | { type: 'cancel' }
  | { type: 'retry'; model?: string; setDefault?: boolean; removeFailed?: boolean }
  /** `timeLimit` (seconds) and `budgetUsd` raise the limits a blocked task stopped at. */
  | { type: 'continue'; answer?: string; model?: string; timeLimit?: number; budgetUsd?: number }
  | { type: 'note'; text: string };

/** A request as found on disk, with the file it came from. */
export interface PendingRequest {
  name: string;
  request: TaskRequest;
  /** When the request was written (epoch ms, from its name). */
  at: number;
}

const REQUEST_NAME = /^(\d{13})-[0-9a-f]{8}\.json$/;
const TYPES = new Set(['cancel', 'retry', 'continue', 'note']);

/** True for a request file name as `writeRequest` makes it (`<13-digit ms>-<8 hex>.json`); others are ignored. */
export function isRequestName(name: string): boolean {
  return REQUEST_NAME.test(name);
}

/**
 * Writes a request atomically; names sort by time, so the daemon applies requests in the order
 * they were made. Returns the file name (also a stable id, e.g. for idempotent notes).
 * @example await writeRequest(paths.requests, { type: 'cancel' })
 */
export async function writeRequest(requestsDir: string, request: TaskRequest, now = Date.now()): Promise<string> {
  // Published exclusively, so two requests in the same millisecond never replace one another
  // (Math.random spares every command loading node:crypto for a name).
  for (;;) {
    const random = Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
    const name = `${String(now).padStart(13, '0')}-${random}.json`;
    try {
      await publishExclusive(join(requestsDir, name), `${JSON.stringify(request)}\n`);
      return name;
    } catch (err) {
      if (!(err instanceof IpcError && err.code === 'already-exists')) throw err;
    }
  }
}

/** Parses one request file's text; a malformed one is an `IpcError('malformed-request')`. */
export function parseRequest(text: string, file: string): TaskRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new IpcError('malformed-request', `${file}: not JSON`, { file, line: 1 });
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new IpcError('malformed-request', `${file}: unknown request type ${JSON.stringify(type)}`, { file, line: 1 });
  }
  if (type === 'note' && typeof (value as { text?: unknown }).text !== 'string') {
    throw new IpcError('malformed-request', `${file}: a note needs a text`, { file, line: 1 });
  }
  if (type === 'continue') {
    const { timeLimit, budgetUsd } = value as { timeLimit?: unknown; budgetUsd?: unknown };
    const positive = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0);
    if (!positive(timeLimit) || !positive(budgetUsd))
      throw new IpcError('malformed-request', `${file}: a continue's limits are positive numbers`, { file, line: 1 });
  }
  return value as TaskRequest;
}

/** Requests waiting in `requests/`, oldest first, with the malformed ones apart. */
export async function readRequests(requestsDir: string): Promise<{ requests: PendingRequest[]; errors: IpcError[] }> {
  let names: string[];
  try {
    names = (await readdir(requestsDir)).filter(isRequestName).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { requests: [], errors: [] };
    throw err;
  }
  const requests: PendingRequest[] = [];
  const errors: IpcError[] = [];
  for (const name of names) {
    const file = join(requestsDir, name);
    try {
      const request = parseRequest(await readDataFile(file), file);
      requests.push({ name, request, at: Number(REQUEST_NAME.exec(name)?.[1]) });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue; // applied and removed meanwhile
      if (err instanceof IpcError) errors.push(err);
      else throw err;
    }
  }
  return { requests, errors };
}

/** Removes a request the daemon has applied and logged. */
export async function removeRequest(requestsDir: string, name: string): Promise<void> {
  await unlink(join(requestsDir, name)).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}
