import type { TaskEvent } from './events.js';
import { applyEvent, stateOf, type TaskSnapshot } from './replay.js';
import { answerDeadlineOf } from './task-context.js';
import type { TaskError } from './types.js';

/** Facts a host read from disk for the deadline events it applies. */
export interface DeadlineFacts {
  /** What the worker's output shows it is stuck on, for a `task.timeout` (see stoppedError). */
  timeoutCause?: TaskError | null;
}

/**
 * The deadline event that falls due first, at or before `until`, in the snapshot's state — what a
 * host's `deadline` actor would have sent had it been running — or null. It mirrors the states'
 * `deadline` invocations (tested against them).
 */
export function dueDeadline(snapshot: TaskSnapshot, until: number, facts: DeadlineFacts = {}): TaskEvent | null {
  if (snapshot.status !== 'active') return null;
  const { context } = snapshot;
  const state = stateOf(snapshot);
  const due: TaskEvent[] = [];
  const { task, grace } = context.deadlines;
  if ((state === 'running' || state === 'awaiting-answer' || state === 'timed-out') && task !== null && task <= until) {
    due.push({ type: 'task.timeout', at: task, ...(facts.timeoutCause && { cause: facts.timeoutCause }) });
  }
  const answer = state === 'awaiting-answer' ? answerDeadlineOf(context) : null;
  if (answer !== null && answer <= until) {
    due.push({ type: 'answer.timeout', question: { seq: context.questions[0]?.seq ?? 0 }, at: answer });
  }
  if (state === 'queued' && context.waiting !== null && context.waiting.until <= until) {
    due.push({ type: 'quota.reset', at: context.waiting.until });
  }
  if (state === 'timed-out' && grace !== null && grace <= until && !context.stopRequested) {
    due.push({ type: 'answer.grace-expired', at: grace });
  }
  return due.sort((a, b) => a.at - b.at)[0] ?? null;
}

/**
 * Applies, in order, every deadline that fell due up to `until` — for a task rebuilt from files
 * after time passed with no host to keep its timers, so it reaches the state a live host would
 * have. Returns the new snapshot and the deadline events applied (for the log).
 * @example const { snapshot, events } = advanceTo(replay(log), Date.now())
 */
export function advanceTo(
  snapshot: TaskSnapshot,
  until: number,
  facts: DeadlineFacts = {},
): { snapshot: TaskSnapshot; events: TaskEvent[] } {
  const events: TaskEvent[] = [];
  // Each deadline moves the task on or clears itself, so a handful of steps always suffices.
  for (let i = 0; i < 8; i++) {
    const event = dueDeadline(snapshot, until, facts);
    if (!event) break;
    const next = applyEvent(snapshot, event);
    if (next === snapshot) break;
    events.push(event);
    snapshot = next;
  }
  return { snapshot, events };
}

/** When the next deadline of this snapshot falls due (it then changes by time alone), or null. */
export function nextDeadline(snapshot: TaskSnapshot): number | null {
  return dueDeadline(snapshot, Number.POSITIVE_INFINITY)?.at ?? null;
}
