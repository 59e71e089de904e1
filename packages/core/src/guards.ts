import type { TaskEventOf } from './events.js';
import type { PlanFacts, TaskContext } from './types.js';

type Exited = TaskEventOf<'worker.exited'>;

/** The plan has at least one item and every item is done. */
export function planComplete(plan: PlanFacts): boolean {
  return plan.total > 0 && plan.done === plan.total;
}

/** The exit belongs to the current attempt (a late exit record of an old attempt changes nothing). */
export function isCurrentAttempt(context: TaskContext, event: { attempt: number }): boolean {
  return event.attempt === context.attempt;
}

/** The contract's order for a worker that exited: `[!]` first, then `[?]`, then all done. */
export const exitGuards = {
  exitedWithError: (event: Exited) => event.plan.error > 0,
  exitedBlocked: (event: Exited) => event.plan.blocked > 0,
  exitedComplete: (event: Exited) => planComplete(event.plan),
};
