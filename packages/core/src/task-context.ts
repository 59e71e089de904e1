import type { TaskEventOf } from './events.js';
import { defaultExitKind } from './events.js';
import type { PendingQuestion, TaskContext, TaskError, TaskInput } from './types.js';
import { DEFAULT_ANSWER_TIMEOUT_MS, DEFAULT_GRACE_MS, DEFAULT_QUOTA_COOLDOWN_MS, EMPTY_PLAN } from './types.js';

/** The context a task starts with. */
export function initialContext(input: TaskInput): TaskContext {
  return {
    id: input.id,
    model: input.model,
    attempt: 0,
    modelsTried: [],
    questions: [],
    asked: [],
    answered: [],
    answeredThisAttempt: [],
    error: null,
    plan: EMPTY_PLAN,
    doneMarker: false,
    workerPid: null,
    workerRunning: false,
    startedAt: null,
    stopRequested: false,
    requestedModel: null,
    startReason: 'first',
    deadlines: { answer: null, grace: null, task: null },
    answerTimeoutMs: input.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
    graceMs: input.graceMs ?? DEFAULT_GRACE_MS,
    timeLimitMs: input.timeLimitMs ?? null,
    budgetUsd: input.budgetUsd ?? null,
    onLimit: input.onLimit ?? 'pause',
    quotaCooldownMs: input.quotaCooldownMs ?? DEFAULT_QUOTA_COOLDOWN_MS,
    waiting: null,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
  };
}

/** The answer deadline of the oldest pending question, or null when none is pending. */
export function answerDeadlineOf(context: TaskContext, questions = context.questions): number | null {
  const oldest = questions[0];
  return oldest ? oldest.askedAt + context.answerTimeoutMs : null;
}

/** Questions with `seq` added (kept in order; a question seen before is not added twice). */
export function withQuestion(context: TaskContext, event: TaskEventOf<'question.asked'>): PendingQuestion[] {
  if (context.questions.some((q) => q.seq === event.question.seq)) return context.questions;
  const added = { seq: event.question.seq, text: event.question.text, askedAt: event.at };
  return [...context.questions, added].sort((a, b) => a.seq - b.seq);
}

/** Questions without the one answered. */
export function withoutQuestion(context: TaskContext, seq: number): PendingQuestion[] {
  return context.questions.filter((q) => q.seq !== seq);
}

/** The error a failed worker exit is recorded with: the backend's cause, else a plain account. */
/**
 * Why a worker that dispatch stopped (the wall-clock limit, a stall) failed: the cause its output
 * shows it was stuck on, when it shows one (codex retries an unreachable API forever, printing
 * "Reconnecting... waiting for network"), so recovery advice fits; else the stop itself.
 * @example stoppedError('timeout', 'the wall-clock limit passed', { kind: 'network', message: 'codex: …' })
 *   // → { kind: 'network', message: 'codex: … (stopped: the wall-clock limit passed)' }
 */
export function stoppedError(kind: 'timeout' | 'stalled', message: string, cause?: TaskError | null): TaskError {
  if (!cause || cause.kind === 'crash') return { kind, message };
  return { ...cause, message: `${cause.message} (stopped: ${message})` };
}

export function exitError(event: TaskEventOf<'worker.exited'>): TaskError {
  if (event.cause) return event.cause;
  if (event.plan.error > 0) return { kind: 'plan-error', message: 'the worker marked an item [!]' };
  const open = event.plan.total - event.plan.done;
  const kind = defaultExitKind(event.code, event.signal);
  const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.code}`;
  const items = event.plan.total === 0 ? 'an empty plan' : `${open} of ${event.plan.total} items open`;
  return { kind, message: `the worker ${how} with ${items}` };
}
