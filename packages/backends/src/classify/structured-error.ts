import { jsonLine } from './output-lines.js';

/** An error a CLI reported in its structured output mode. */
export interface StructuredError {
  /** The HTTP status of the API error, when the CLI names it. */
  status?: number;
  /** The CLI's own error type (`authentication_failed`, `rate_limit`, …). */
  type?: string;
  message: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Claude Code's `--output-format stream-json --verbose`: the final `result` line says whether the
 * run failed (`is_error`; its `subtype` says "success" even then) and the API status; the
 * assistant message before it carries the error type.
 */
function claudeResult(events: Record<string, unknown>[]): StructuredError | null {
  const result = events.findLast((e) => e.type === 'result');
  if (!result || result.is_error !== true) return null;
  const assistant = events.findLast((e) => e.type === 'assistant' && typeof e.error === 'string');
  const status = typeof result.api_error_status === 'number' ? result.api_error_status : undefined;
  const type = str(assistant?.error);
  return {
    ...(status !== undefined && { status }),
    ...(type && { type }),
    message: str(result.result) ?? str(result.subtype) ?? 'error',
  };
}

/** Codex's `exec --json`: `turn.failed` carries the final error; bare `error` events the retries. */
function codexError(events: Record<string, unknown>[]): StructuredError | null {
  const failed = events.findLast((e) => e.type === 'turn.failed');
  // Gemini's `error` events (they have a severity) are warnings and retries: its text says more.
  const message =
    str((failed?.error as { message?: unknown } | undefined)?.message) ??
    str(events.findLast((e) => e.type === 'error' && !('severity' in e))?.message);
  return message ? { message } : null;
}

/** The error a structured output reported (Claude's stream-json, Codex's --json), or null. */
export function structuredError(lines: readonly string[]): StructuredError | null {
  const events = lines.map(jsonLine).filter((e): e is Record<string, unknown> => e !== null);
  if (events.length === 0) return null;
  return claudeResult(events) ?? codexError(events);
}
