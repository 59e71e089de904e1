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

/** Stable codes of the CLI's own errors; commands add theirs here. */
export type CliErrorCode =
  | 'usage'
  | 'unknown-command'
  | 'not-available'
  | 'invalid-input'
  | 'failure'
  | 'ask-pending'
  | 'wait-timeout';

/** Options of a CliError: the exit status (default 1), the file and line at fault, the cause. */
export interface CliErrorOptions {
  exitCode?: ExitCodeValue;
  file?: string;
  line?: number;
  cause?: unknown;
}

/** The CLI's one error type: a stable `code`, a one-line message and the exit status it means. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.file = options.file;
    this.line = options.line;
  }
}

/** A bad-usage or bad-input error (exit 2), for commands validating their arguments. */
export function usageError(message: string, code: CliErrorCode = 'usage'): CliError {
  return new CliError(code, message, { exitCode: ExitCode.usage });
}
