import type { ErrorKind, TaskError } from '@dispatch/core';

/** How a worker ended, as the classifier sees it. */
export interface WorkerExit {
  /** Exit code, null when the worker was killed by a signal or never started. */
  code: number | null;
  signal: string | null;
  /** The error spawning the worker threw (execa/child_process), when it never started. */
  spawnError?: { code?: string; message: string };
  /** The tail of worker.log: stdout and stderr interleaved. */
  output: string;
  /** The backend kind or command name, used in messages (`claude`, `codex`, …). */
  cli?: string;
  /** When the worker ended; a relative reset time ("try again in 20s") counts from here. */
  at?: Date;
}

/** When a quota resets, as far as the CLI said. */
export interface QuotaReset {
  /** The moment, when the CLI gave one that can be computed (ISO). */
  at?: string;
  /** The CLI's own words for it ("in 20s", "3pm (UTC)"). */
  text: string;
}

/** Why a worker failed: a task error (with `resetAt`, epoch ms, for a quota failure whose CLI said when). */
export type WorkerFailure = TaskError;

/** The causes the classifier names (the rest of ErrorKind comes from the plan and the clock). */
export type ExitKind = Extract<
  ErrorKind,
  'budget' | 'cli-missing' | 'auth' | 'quota' | 'model-unavailable' | 'network' | 'crash'
>;

/** A cause found in the output, before it is worded. */
export interface Finding {
  kind: ExitKind;
  /** Which signature matched (e.g. `root-refusal`, `server-error`): picks the wording. */
  signature: string;
  /** The line (or structured message) that showed it, trimmed. */
  detail: string;
}
