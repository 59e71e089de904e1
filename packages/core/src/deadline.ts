import { fromCallback } from 'xstate';
import type { TaskEvent } from './events.js';

/** The clock a deadline actor reads: the system's in a daemon, a simulated one in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What a deadline actor waits for: an absolute moment (null: never) and the event it then sends. */
export interface DeadlineInput {
  at: number | null;
  event: { type: TaskEvent['type'] } & Record<string, unknown>;
}

/**
 * Adds facts the host can read only when a deadline passes (for `task.timeout`, what the worker's
 * output shows it was stuck on) to the event about to be sent.
 */
export type CompleteDeadlineEvent = (event: TaskEvent) => Promise<TaskEvent>;

/**
 * Actor logic that sends `input.event` to its parent at the absolute moment `input.at`, stamped
 * with that moment (the fact is "the deadline passed", whenever the timer got to run). Because
 * the deadline is absolute, an actor restarted after a restore fires at the original moment, or
 * at once if it has passed. With `complete`, the event is sent once the host has added its facts
 * (as it was, if that fails), unless the actor was stopped meanwhile.
 * @example machine.provide({ actors: { deadline: createDeadlineLogic(systemClock) } })
 */
export function createDeadlineLogic(clock: Clock, complete?: CompleteDeadlineEvent) {
  return fromCallback<TaskEvent, DeadlineInput>(deadlineCallback(clock, complete));
}

/** What a deadline actor runs (see createDeadlineLogic): its start, returning its stop. */
export type DeadlineCallback = (args: {
  input: DeadlineInput;
  sendBack: (event: TaskEvent) => void;
}) => (() => void) | undefined;

/**
 * The body of `createDeadlineLogic`, for a host that shares one machine between many tasks and
 * finds each task's clock and facts when the actor starts.
 */
export function deadlineCallback(clock: Clock, complete?: CompleteDeadlineEvent): DeadlineCallback {
  return ({ input, sendBack }) => {
    const { at } = input;
    if (at === null) return undefined;
    let handle: unknown;
    let stopped = false;
    const fire = () => {
      const event = { ...input.event, at } as TaskEvent;
      if (!complete) return sendBack(event);
      const send = (e: TaskEvent) => void (stopped || sendBack(e));
      complete(event).then(send, () => send(event));
    };
    // Timers take at most 2^31-1 ms (about 24.8 days; longer ones fire at once): wait in steps.
    const arm = () => {
      const remaining = at - clock.now();
      if (remaining <= 0) fire();
      else handle = clock.setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    };
    arm();
    return () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  };
}

/** The longest delay a timer takes. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
