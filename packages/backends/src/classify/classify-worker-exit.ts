import { budgetStop, describeBudgetStop } from './budget-stop.js';
import { missingCommandName } from './cli-name.js';
import { causeOfStructured, causeOfText } from './find-cause.js';
import { describeFinding } from './messages.js';
import { outputLines, shortLine } from './output-lines.js';
import { readableDetail } from './readable-detail.js';
import { findQuotaReset } from './reset-time.js';
import type { Signature } from './signatures.js';
import { searchedPathOf } from './searched-path.js';
import { structuredError } from './structured-error.js';
import type { Finding, WorkerExit, WorkerFailure } from './types.js';

// A CLI explains itself in its last lines; far more only slows the scan (the log tail is bounded too).
const MAX_LINES = 400;

/** The cause the exit shows: a spawn error, a structured error, the text, then the exit status. */
function findCause(exit: WorkerExit, lines: readonly string[]): Finding | null {
  const spawn = exit.spawnError;
  if (spawn?.code === 'ENOENT') return { kind: 'cli-missing', signature: 'not-found', detail: spawn.message };
  const structured = structuredError(lines);
  // A worker's own tools print "not found" too (codex shows the commands it ran): only the shell's
  // 127 says the worker command itself is missing.
  const accept = (s: Signature) => s.kind !== 'cli-missing' || exit.code === 127;
  const found = (structured && causeOfStructured(structured, accept)) ?? causeOfText(lines, accept);
  if (found) return found;
  // The shell's own codes for "no such command" and "not executable", whatever it printed.
  if (exit.code === 127)
    return { kind: 'cli-missing', signature: 'not-found', detail: readableDetail(lines.at(-1) ?? 'exit 127') };
  if (exit.code === 126)
    return { kind: 'cli-missing', signature: 'not-executable', detail: readableDetail(lines.at(-1) ?? 'exit 126') };
  // Gemini's documented code for an authentication failure (FatalAuthenticationError).
  if (exit.cli === 'gemini' && exit.code === 41)
    return { kind: 'auth', signature: 'auth', detail: readableDetail(lines.at(-1) ?? 'exit 41') };
  return null;
}

const ERROR_LINE = /error\b|\bfatal\b|exception|panic/i;
const USAGE_ERROR = /unexpected argument|unknown (?:option|argument)|unrecognized (?:option|argument)/i;

/** The message of a failure with no known cause: how it ended and its last words. */
function crashMessage(cli: string, exit: WorkerExit, lines: readonly string[]): string {
  const how = exit.spawnError
    ? `could not start (${shortLine(exit.spawnError.message)})`
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  // Its last error line says more than its last line ("For more information, try '--help'.").
  const last = lines.findLast((l) => ERROR_LINE.test(l)) ?? lines.at(-1);
  const said =
    !last || exit.spawnError
      ? ''
      : exit.signal
        ? ` (last output: ${readableDetail(last)})`
        : `: ${readableDetail(last)}`;
  // A CLI that changed its flags (codex 0.169 dropped --full-auto) fails before doing anything.
  const usage = last && USAGE_ERROR.test(last) ? ` — check backends.${cli}.command in the config` : '';
  return `${cli} ${how}${said}${usage}`;
}

/**
 * Why a worker failed, from how it ended and the tail of its log: `budget` (Claude's stop at
 * --max-budget-usd, with what it spent), `cli-missing`, `auth`, `quota` (with the reset time when
 * the CLI printed one), `model-unavailable`, `network`, else `crash`.
 * Structured output (Claude's stream-json result, Codex's --json errors) is read first. Null for
 * a clean exit 0: then the plan decides. The message is one line naming the CLI and the fix.
 * @example classifyWorkerExit({ code: 127, signal: null, output: 'sh: 1: codex: not found\n', cli: 'codex' })
 *   // → { kind: 'cli-missing', message: 'codex: command not found — install it (…) or retry with another model' }
 */
export function classifyWorkerExit(exit: WorkerExit): WorkerFailure | null {
  if (exit.code === 0 && exit.signal === null && !exit.spawnError) return null;
  const lines = outputLines(exit.output).slice(-MAX_LINES);
  // A stop at the spending limit is the CLI keeping a promise, not an error: it comes before any cause.
  const budget = budgetStop(lines);
  if (budget) return { kind: 'budget', message: describeBudgetStop(exit.cli ?? 'worker', budget), ...budget };
  const cause = findCause(exit, lines);
  const named = cause?.kind === 'cli-missing' ? missingCommandName(cause.detail) : null;
  const cli = named ?? exit.cli ?? 'worker';
  if (!cause) return { kind: 'crash', message: crashMessage(cli, exit, lines) };
  const reset =
    cause.kind === 'quota'
      ? (findQuotaReset(cause.detail, exit.at) ?? findQuotaReset(lines.slice(-20).join('\n'), exit.at))
      : null;
  const searched = cause.signature === 'not-found' ? searchedPathOf(lines, cli) : null;
  return {
    kind: cause.kind,
    message: describeFinding(cli, cause, reset, searched),
    ...(reset?.at && { resetAt: Date.parse(reset.at) }),
  };
}
