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
  | 'io';

/** The one error type of ipc-fs: a stable `code`, a one-line message, the file at fault. */
export class IpcError extends Error {
  override readonly name = 'IpcError';
  readonly code: IpcErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(
    code: IpcErrorCode,
    message: string,
    options: { file?: string; line?: number; cause?: unknown } = {},
  ) {
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
