/** Stable codes for every way the on-disk protocol can refuse or fail. */
export type IpcErrorCode =
  | 'invalid-task-id'
  | 'path-escape'
  | 'no-workspace'
  | 'already-exists'
  | 'answer-exists'
  | 'task-exists'
  | 'no-such-question'
  | 'attempt-claimed'
  | 'plan-conflict'
  | 'malformed-plan'
  | 'malformed-request'
  | 'malformed-task'
  | 'no-such-task'
  | 'unsafe-file'
  | 'untrusted-folder'
  | 'io';

/** The one error type of ipc-fs: a stable `code`, a one-line message, the file at fault. */
export class IpcError extends Error {
  override readonly name = 'IpcError';
  readonly code: IpcErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: IpcErrorCode, message: string, options: { file?: string; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.line = options.line;
  }
}

/** True when `err` is a Node system error with the given code (ENOENT, EEXIST, ...). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/** What a write that the disk refused means, and what to do about it. */
const DISK_TROUBLE: Record<string, string> = {
  ENOSPC: 'the disk is full (ENOSPC): free some space and try again',
  EDQUOT: 'the disk quota is used up (EDQUOT): free some space and try again',
  EROFS: 'the file system is read-only (EROFS)',
  EFBIG: 'the file is over the size limit (EFBIG)',
};

/**
 * A write refused by the disk (full, quota, read-only) as `IpcError('io')` naming the file meant
 * — Node's own message names the temp file or none; any other error is returned unchanged.
 * @example throw diskWriteError(err, paths.plan) // "cannot write /w/.dispatch/tasks/t/plan.md: the disk is full (ENOSPC): ..."
 */
export function diskWriteError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const reason = typeof code === 'string' ? DISK_TROUBLE[code] : undefined;
  return reason === undefined ? err : new IpcError('io', `cannot write ${path}: ${reason}`, { file: path, cause: err });
}
