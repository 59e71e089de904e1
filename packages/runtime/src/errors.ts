/** Exit statuses of the CLI contract (DESIGN.md, "CLI"): scripts and host agents rely on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** `ask` returned before its question was answered. */
  pending: 3,
  /** `wait --timeout` passed with nothing to report. */
  timeout: 124,
} as const;

/** One of the contract's exit statuses. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What went wrong, as the embedding contract names it: `usage` (the call itself is malformed),
 * `input` (a bad value: an id, a model, a file), `not-found` (no such task), `pending` and
 * `timeout` (nothing happened yet), `failure` (anything else).
 */
export type DispatchErrorCode = 'usage' | 'input' | 'not-found' | 'pending' | 'timeout' | 'failure';

/** Options of a DispatchError: the precise reason, the file and line at fault, the cause. */
export interface DispatchErrorOptions {
  /** The precise, stable reason (`invalid-task-id`, `unknown-model`, `answer-exists`, ...); default: the code. */
  reason?: string;
  file?: string;
  line?: number;
  cause?: unknown;
}

const EXIT_OF: Record<DispatchErrorCode, ExitCodeValue> = {
  usage: ExitCode.usage,
  input: ExitCode.usage,
  'not-found': ExitCode.usage,
  pending: ExitCode.pending,
  timeout: ExitCode.timeout,
  failure: ExitCode.failure,
};

/**
 * The runtime's one error type: a contract `code`, a one-line message (naming the file and line
 * at fault where one is), and the exit status the CLI maps it to. Every rejection of the
 * embedding API is one.
 */
export class DispatchError extends Error {
  override readonly name = 'DispatchError';
  readonly code: DispatchErrorCode;
  readonly reason: string;
  readonly exitCode: ExitCodeValue;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: DispatchErrorCode, message: string, options: DispatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason ?? code;
    this.exitCode = EXIT_OF[code];
    this.file = options.file;
    this.line = options.line;
  }
}

/** A bad-usage (`usage`) or bad-input error (any other reason: `input`), exit 2. */
export function usageError(message: string, reason = 'usage'): DispatchError {
  return new DispatchError(reason === 'usage' ? 'usage' : 'input', message, { reason });
}

/**
 * Codes of the packages' own errors that mean the user's input is at fault (exit 2). Besides
 * these, every code starting with `invalid-`, `malformed-` or `unknown-` is an input error.
 */
const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'path-escape',
  'no-such-question',
  'missing-config',
  'no-such-task',
  'unsafe-file',
  'untrusted-folder',
]);
const INPUT_CODE_PREFIXES = ['invalid-', 'malformed-', 'unknown-'];

/** True when a package error's code means bad input (exit 2), not a failure. */
export function isInputErrorCode(code: string): boolean {
  return INPUT_ERROR_CODES.has(code) || INPUT_CODE_PREFIXES.some((p) => code.startsWith(p));
}

/**
 * Any error thrown inside the runtime as a DispatchError: the packages' errors (IpcError,
 * ConfigError, BackendError) keep their message, file and line, their code becomes `reason`.
 */
export function toDispatchError(err: unknown): DispatchError {
  if (err instanceof DispatchError) return err;
  if (!(err instanceof Error)) return new DispatchError('failure', String(err));
  const reason = (err as { code?: unknown }).code;
  const { file, line } = err as { file?: unknown; line?: unknown };
  const code: DispatchErrorCode =
    reason === 'no-such-task'
      ? 'not-found'
      : typeof reason === 'string' && isInputErrorCode(reason)
        ? 'input'
        : 'failure';
  return new DispatchError(code, err.message, {
    ...(typeof reason === 'string' && { reason }),
    ...(typeof file === 'string' && { file }),
    ...(typeof line === 'number' && { line }),
    cause: err,
  });
}
