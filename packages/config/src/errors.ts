import type { SourcePosition } from './types.js';

/** Stable codes for what config refuses or fails at. */
export type ConfigErrorCode =
  | 'malformed-config'
  | 'missing-config'
  | 'unknown-model'
  | 'invalid-model'
  | 'config-locked'
  | 'invalid-input'
  | 'io';

/**
 * The one error type of config: a stable `code`, a one-line message, and the file, line and
 * column at fault as fields; the CLI prints them together:
 * `config.yaml:14:20: models.gpt-5: backend 'curser' is not defined in backends`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly col: number | undefined;

  constructor(
    code: ConfigErrorCode,
    message: string,
    options: { file?: string; position?: SourcePosition; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.line = options.position?.line;
    this.col = options.position?.col;
  }
}
