import type { ErrorKind, PlanFacts, TaskError, TaskInput } from './types.js';

/** Every event carries the moment the dispatcher observed its fact (epoch ms). */
export interface Stamped {
  at: number;
}

/**
 * The events of the task machine. They are also the types of `events.jsonl` lines (one writer,
 * the daemon, logs every event the machine receives), so `replay` can rebuild a task from its log.
 */
export type TaskEvent = Stamped &
  (
    | { type: 'start' }
    | { type: 'worker.started'; attempt: number; model: string; pid: number | null }
    | { type: 'worker.spawn-failed'; attempt: number; error: TaskError }
    | { type: 'question.asked'; question: { seq: number; text: string } }
    | { type: 'question.answered'; question: { seq: number } }
    | { type: 'answer.timeout'; question: { seq: number } }
    | { type: 'answer.grace-expired' }
    | { type: 'plan.changed'; plan: PlanFacts }
    | { type: 'worker.done' }
    | {
        type: 'worker.exited';
        attempt: number;
        code: number | null;
        signal: string | null;
        /** The plan as it was when the exit was seen: the plan is the contract, not the code. */
        plan: PlanFacts;
        /** The classified cause of a failed exit (auth, quota, ...), when a backend knows it. */
        cause?: TaskError | null;
        /** Questions whose answer the worker acknowledged (`NNN.done`) by the time it exited. */
        acks?: readonly number[];
      }
    /** `cause`: what the worker's output shows it was stuck on when it was stopped (see stoppedError). */
    | { type: 'worker.stalled'; message?: string; cause?: TaskError | null }
    | { type: 'task.timeout'; message?: string; cause?: TaskError | null }
    /**
     * `by: 'resume'` when the daemon continued on its own: the session to resume was gone. A
     * continue may raise the limits the task stopped at (`timeLimitMs`, `budgetUsd`; null: none).
     */
    | {
        type: 'continue';
        model?: string | null;
        by?: 'user' | 'resume';
        timeLimitMs?: number | null;
        budgetUsd?: number | null;
      }
    /** The task's model is resting after another task's quota failure: wait with it until `until`. */
    | { type: 'quota.wait'; until: number; message: string }
    /** The quota a queued task waited for has reset (its `until` passed). */
    | { type: 'quota.reset' }
    /**
     * `by: 'fallback'` when the daemon retried on its own, from the config's `fallback` list;
     * `by: 'resume'` when it retried cold because the worker's session to resume was gone;
     * `by: 'engine'` when a cluster engine lost the attempt (node failure, preemption).
     */
    | { type: 'retry'; model?: string | null; by?: 'user' | 'fallback' | 'resume' | 'engine' }
    | { type: 'model.chosen'; model: string }
    | { type: 'recovery.failed'; error: TaskError }
    | { type: 'dependency.failed'; message: string }
    | { type: 'cancel'; reason?: string }
  );

/** The `type` of every task event. */
export type TaskEventType = TaskEvent['type'];

/** The event of a given type. */
export type TaskEventOf<T extends TaskEventType> = Extract<TaskEvent, { type: T }>;

/** The first line of every task's log: what `run` asked for, the machine's input. */
export interface TaskCreatedEvent extends Stamped {
  type: 'task.created';
  input: TaskInput;
}

/** Every event type the machine reacts to (readers skip any other type in a log). */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = [
  'start',
  'worker.started',
  'worker.spawn-failed',
  'question.asked',
  'question.answered',
  'answer.timeout',
  'answer.grace-expired',
  'plan.changed',
  'worker.done',
  'worker.exited',
  'worker.stalled',
  'task.timeout',
  'continue',
  'quota.wait',
  'quota.reset',
  'retry',
  'model.chosen',
  'recovery.failed',
  'dependency.failed',
  'cancel',
];

const known = new Set<string>(TASK_EVENT_TYPES);

/** True when `value` names an event type the machine reacts to. */
export function isTaskEventType(value: unknown): value is TaskEventType {
  return typeof value === 'string' && known.has(value);
}

/** Error kinds a worker exit can be blamed on when no backend classified it. */
export function defaultExitKind(code: number | null, signal: string | null): ErrorKind {
  return code === 0 && signal === null ? 'incomplete' : 'crash';
}
