/** Stable codes for what backends refuse or fail at. */
export type BackendErrorCode = 'invalid-model' | 'spawn-failed';

/** The one error type of backends: a stable `code`, a one-line message, the original cause. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
