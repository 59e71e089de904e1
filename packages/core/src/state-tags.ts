import type { TaskEvent } from './events.js';
import type { TaskSnapshot } from './replay.js';
import { FINAL_STATES, type TaskState } from './types.js';

/**
 * What the machine's states mean to a host, as tags on its states (task-machine.ts takes each
 * state's tags from STATE_TAGS, so a reader asks without building the machine):
 * - `live`: the task is not at rest: a worker may run, or the daemon acts next (never removed);
 * - `active`: the daemon has something in flight (a worker starting or running, a model chosen);
 * - `holds-slot`: the task occupies one of the limited worker slots;
 * - `worker`: the current attempt's worker should be running;
 * - `needs-user`: the user's answer or decision is what the task waits for.
 */
export type TaskTag = 'live' | 'active' | 'holds-slot' | 'worker' | 'needs-user';

/** Each state's tags: the machine's states carry exactly these. */
export const STATE_TAGS = {
  queued: ['live'],
  starting: ['live', 'active', 'holds-slot'],
  running: ['live', 'active', 'holds-slot', 'worker'],
  'awaiting-answer': ['live', 'active', 'holds-slot', 'worker', 'needs-user'],
  'timed-out': ['live', 'active', 'holds-slot', 'worker', 'needs-user'],
  blocked: ['needs-user'],
  failed: ['needs-user'],
  recovering: ['live', 'active'],
  completed: [],
  cancelled: [],
} as const satisfies Record<TaskState, readonly TaskTag[]>;

/** Whether a state carries a tag: ask this instead of keeping a list of state names. */
export function hasTag(state: TaskState, tag: TaskTag): boolean {
  return (STATE_TAGS[state] as readonly TaskTag[] | undefined)?.includes(tag) ?? false;
}

/** The states a task never leaves (the machine's final states: completed, cancelled). */
export function isFinalState(state: TaskState): boolean {
  return FINAL_STATES.includes(state);
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
