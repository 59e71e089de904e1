import { jsonLine } from './output-lines.js';
import { isBareStatus, readableDetail } from './readable-detail.js';
import { matchSignature, type Signature } from './signatures.js';
import type { StructuredError } from './structured-error.js';
import type { ExitKind, Finding } from './types.js';

/** Claude's stream-json error types, for results whose text names no known cause. */
const ERROR_TYPES: Record<string, ExitKind> = {
  authentication_failed: 'auth',
  billing_error: 'auth',
  rate_limit: 'quota',
  model_not_found: 'model-unavailable',
  server_error: 'network',
};

function kindOfStatus(status: number): ExitKind | null {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model-unavailable';
  if (status === 429) return 'quota';
  return status >= 500 ? 'network' : null;
}

/** Which signatures may apply (a filter the caller sets from the exit status). */
export type AcceptSignature = (s: Signature) => boolean;

/** The cause a structured error names: its text first, then its type, then its HTTP status. */
export function causeOfStructured(error: StructuredError, accept: AcceptSignature = () => true): Finding | null {
  const signature = matchSignature(error.message);
  if (signature && accept(signature))
    return { kind: signature.kind, signature: signature.name, detail: readableDetail(error.message) };
  const kind =
    (error.type && ERROR_TYPES[error.type]) || (error.status !== undefined ? kindOfStatus(error.status) : null);
  return kind
    ? {
        kind,
        signature: kind === 'network' && (error.status ?? 0) >= 500 ? 'server-error' : kind,
        detail: readableDetail(error.message),
      }
    : null;
}

/**
 * The cause the plain-text output shows: the last line that matches a signature, since a CLI
 * says why it gave up at the end (earlier lines are often retries of a different-looking error).
 * JSON lines are left to `structuredError`; `accept` passes over signatures that cannot apply.
 */
export function causeOfText(lines: readonly string[], accept: AcceptSignature = () => true): Finding | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (jsonLine(line)) continue;
    const signature = matchSignature(line);
    if (!signature || !accept(signature)) continue;
    // Gemini ends with "status: 403": a line above (past its stack trace) with the same cause carries the API's words.
    const better = isBareStatus(line)
      ? lines.slice(Math.max(0, i - 40), i).findLast((l) => matchSignature(l)?.kind === signature.kind)
      : undefined;
    return { kind: signature.kind, signature: signature.name, detail: readableDetail(better ?? line) };
  }
  return null;
}
