/** The states of a task's lifecycle, spelled as in the machine, in JSON and on screen. */
export const TASK_STATES = [
  'queued',
  'starting',
  'running',
  'awaiting-answer',
  'timed-out',
  'blocked',
  'failed',
  'recovering',
  'completed',
  'cancelled',
] as const;

/** One lifecycle state (kebab-case). */
export type TaskState = (typeof TASK_STATES)[number];

/** The states a task never leaves. */
export const FINAL_STATES: readonly TaskState[] = ['completed', 'cancelled'];

/** Why a task failed: the classes backends and the machine agree on. */
export type ErrorKind =
  | 'cli-missing'
  | 'auth'
  | 'quota'
  | 'model-unavailable'
  | 'network'
  | 'crash'
  | 'plan-error'
  | 'incomplete'
  | 'stalled'
  | 'timeout'
  | 'budget'
  | 'time-limit'
  | 'interrupted'
  | 'setup'
  | 'dependency'
  | 'no-alternative';

/** The last error of a task, kept as data rather than as more states. */
export interface TaskError {
  kind: ErrorKind;
  message: string;
  /** For `quota`: when the CLI said the limit resets (epoch ms), if it said. */
  resetAt?: number;
  /** For `budget` (US dollars) and `time-limit` (seconds): what the attempt spent, where known. */
  spent?: number;
  /** For `budget` (US dollars) and `time-limit` (seconds): the limit it reached, where known. */
  limit?: number;
}

/** Counts of plan items by mark, as read from plan.md at some moment. */
export interface PlanFacts {
  total: number;
  done: number;
  pending: number;
  blocked: number;
  error: number;
}

/** A question the worker asked and nobody has answered yet. */
export interface PendingQuestion {
  seq: number;
  text: string;
  /** When the dispatcher saw it (epoch ms); the answer deadline counts from here. */
  askedAt: number;
}

/** What a task machine starts from: the facts of `task.json` plus the limits in force. */
export interface TaskInput {
  id: string;
  model: string;
  /** When the task was created (epoch ms). */
  createdAt: number;
  /** How long a question waits for an answer before the task is `timed-out` (default 180 s). */
  answerTimeoutMs?: number;
  /** How long after the answer deadline a worker may take to give up before it is stopped. */
  graceMs?: number;
  /** Wall-clock limit of one worker attempt; null for none. */
  timeLimitMs?: number | null;
  /** US dollars one worker run may spend, where its CLI enforces it; null: the config's, or none. */
  budgetUsd?: number | null;
  /** What reaching a limit does (default `pause`; see LimitPolicy). */
  onLimit?: LimitPolicy;
  /** How long a model rests after a quota failure whose CLI named no reset time (default 30 min). */
  quotaCooldownMs?: number;
}

/**
 * What a task does when it reaches a limit. `pause`: a quota failure waits in `queued` until the
 * quota resets, a budget or time limit reached is `blocked` until the user raises it. `fail`: all
 * three fail the task (as every task did before limits paused; logs of then replay so).
 */
export type LimitPolicy = 'pause' | 'fail';

/** What a queued task waits for before its next attempt may start: its model's quota to reset. */
export interface Waiting {
  reason: 'quota';
  /** When the wait ends (epoch ms): the reset time the CLI named, else the quota cooldown's end. */
  until: number;
  /** Why, in the words of the CLI (or of the task whose failure started the model's rest). */
  message: string;
}

/** Absolute deadlines (epoch ms), so a restored or replayed task fires at the original moment. */
export interface Deadlines {
  answer: number | null;
  grace: number | null;
  task: number | null;
}

/** Why the next worker starts: first run, a continue after a block, or a retry after a failure. */
export type StartReason = 'first' | 'continue' | 'late-answer' | 'retry';

/** Everything the task machine knows. */
export interface TaskContext {
  id: string;
  model: string;
  /** Worker attempts started so far (1 for the first worker). */
  attempt: number;
  modelsTried: string[];
  /** Unanswered questions, oldest first; the first is the one shown to the user. */
  questions: PendingQuestion[];
  /** Numbers of every question seen and every answer seen (a fact seen twice is not news). */
  asked: number[];
  answered: number[];
  /** Answers that arrived while the current attempt's worker ran (it should acknowledge them). */
  answeredThisAttempt: number[];
  error: TaskError | null;
  plan: PlanFacts;
  /** The worker touched `ipc/.done` (noted, not final: completion waits for its exit). */
  doneMarker: boolean;
  workerPid: number | null;
  /** The current attempt's worker was started and its exit is not recorded yet. */
  workerRunning: boolean;
  /** When the current attempt's worker started (epoch ms). */
  startedAt: number | null;
  /** The dispatcher stopped the worker (answer grace passed): its exit is not a crash. */
  stopRequested: boolean;
  /** The model asked for by a retry or continue, until the recovery chooses one. */
  requestedModel: string | null;
  startReason: StartReason;
  deadlines: Deadlines;
  answerTimeoutMs: number;
  graceMs: number;
  timeLimitMs: number | null;
  budgetUsd: number | null;
  onLimit: LimitPolicy;
  quotaCooldownMs: number;
  /** Set while the task waits in `queued` for a quota to reset; null otherwise. */
  waiting: Waiting | null;
  createdAt: number;
  updatedAt: number;
}

/** Default answer timeout: the reference worker waits about 3 minutes. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 180_000;
/** Default grace after the answer deadline before a worker that did not give up is stopped. */
export const DEFAULT_GRACE_MS = 60_000;

/** Default rest of a model after a quota failure whose CLI named no reset time (the config's default). */
export const DEFAULT_QUOTA_COOLDOWN_MS = 30 * 60_000;

/** Plan facts of an empty plan. */
export const EMPTY_PLAN: PlanFacts = { total: 0, done: 0, pending: 0, blocked: 0, error: 0 };

/** The exit status of a worker whose setup command (`worktree_setup`) failed: it never started. */
export const SETUP_FAILED_EXIT = 97;
