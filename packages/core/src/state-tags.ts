import type { TaskEvent } from './events.js';
import type { TaskSnapshot } from './replay.js';
import { taskMachine } from './task-machine.js';
import { TASK_STATES, type TaskState } from './types.js';

/**
 * What the machine's states mean to a host, as tags on the states themselves (task-machine.ts):
 * - `live`: the task is not at rest: a worker may run, or the daemon acts next (never removed);
 * - `active`: the daemon has something in flight (a worker starting or running, a model chosen);
 * - `holds-slot`: the task occupies one of the limited worker slots;
 * - `worker`: the current attempt's worker should be running;
 * - `needs-user`: the user's answer or decision is what the task waits for.
 */
export type TaskTag = 'live' | 'active' | 'holds-slot' | 'worker' | 'needs-user';

const tagsOf = new Map<TaskState, ReadonlySet<string>>(
  TASK_STATES.map((state) => [state, new Set(taskMachine.states[state]?.tags ?? [])]),
);

/** Whether a state carries a tag: ask this instead of keeping a list of state names. */
export function hasTag(state: TaskState, tag: TaskTag): boolean {
  return tagsOf.get(state)?.has(tag) ?? false;
}

/** The states a task never leaves (the machine's final states: completed, cancelled). */
export function isFinalState(state: TaskState): boolean {
  return taskMachine.states[state]?.type === 'final';
}

/** Not at rest: a worker may run or the daemon acts next. A live task is never removed. */
export const isLive = (state: TaskState): boolean => hasTag(state, 'live');
/** Occupies a worker slot (limits count it). */
export const holdsSlot = (state: TaskState): boolean => hasTag(state, 'holds-slot');
/** The current attempt's worker should be running. */
export const hasWorker = (state: TaskState): boolean => hasTag(state, 'worker');
/** Waits for the user: a question, a block, a failure. */
export const needsUser = (state: TaskState): boolean => hasTag(state, 'needs-user');

/**
 * Whether a task in this snapshot would take `event`: `snapshot.can`, and the task not ended
 * (xstate's `can` also answers for a final snapshot's root-level events, such as `cancel`).
 */
export function accepts(snapshot: TaskSnapshot, event: TaskEvent): boolean {
  return snapshot.status === 'active' && snapshot.can(event);
}
