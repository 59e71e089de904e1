import type { TaskEventOf } from './events.js';
import type { PlanFacts, TaskContext, TaskError, Waiting } from './types.js';

type Exited = TaskEventOf<'worker.exited'>;

/**
 * Whether a worker's exit reached a limit the task pauses on rather than fails: its quota (the
 * task waits for the reset), its budget or a cluster engine's time limit (the task blocks).
 */
export function pausesOn(context: TaskContext, event: Exited): 'quota' | 'limit' | null {
  const kind = event.cause?.kind;
  if (context.onLimit !== 'pause' || kind === undefined) return null;
  if (kind === 'quota') return 'quota';
  // A cluster engine's time limit (Slurm's TIMEOUT) is the classifier's `timeout`.
  return kind === 'budget' || kind === 'time-limit' || kind === 'timeout' ? 'limit' : null;
}

/** The wait a quota failure starts: until the reset its CLI named, else until the cooldown ends. */
export function quotaWaitOf(context: TaskContext, event: Exited): Waiting {
  const cause = event.cause;
  const until = cause?.resetAt ?? event.at + context.quotaCooldownMs;
  return { reason: 'quota', until, message: cause?.message ?? 'the model ran out of quota' };
}

/** `2 of 3 items left`: what the plan still holds, for a limit's message. */
function whatIsLeft(plan: PlanFacts): string {
  if (plan.total === 0) return 'an empty plan';
  const open = plan.total - plan.done;
  return open === 0 ? 'every item done' : `${open} of ${plan.total} items left`;
}

/** `45 s`, `12 min`, `2 h 05 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * The error of a task whose worker stopped at its budget (the CLI's message says what it spent)
 * or at its engine's time limit, with what is left of the plan.
 */
export function limitErrorOf(context: TaskContext, event: Exited): TaskError {
  const cause = event.cause!;
  const message = `${cause.message}; ${whatIsLeft(event.plan)}`;
  if (cause.kind !== 'budget') return { kind: 'time-limit', message };
  const limit = cause.limit ?? context.budgetUsd ?? undefined;
  return {
    kind: 'budget',
    message,
    ...(cause.spent !== undefined && { spent: cause.spent }),
    ...(limit !== undefined && { limit }),
  };
}

/** The error of a task whose attempt ran out its wall-clock limit (`task.timeout`). */
export function timeLimitErrorOf(context: TaskContext, event: TaskEventOf<'task.timeout'>): TaskError {
  const limit = context.timeLimitMs === null ? undefined : context.timeLimitMs / 1000;
  const spent = context.startedAt === null ? limit : Math.max(0, (event.at - context.startedAt) / 1000);
  const ran = spent === undefined ? 'ran out its time' : `ran ${formatSeconds(spent)}`;
  const stuck = event.cause && event.cause.kind !== 'crash' ? ` (its output shows: ${event.cause.message})` : '';
  return {
    kind: 'time-limit',
    message: `reached its time limit: ${ran}${limit === undefined ? '' : ` of ${formatSeconds(limit)}`}, ${whatIsLeft(context.plan)}${stuck}`,
    ...(spent !== undefined && { spent: Math.round(spent) }),
    ...(limit !== undefined && { limit }),
  };
}
