import type { TaskEventOf } from './events.js';
import type { PlanFacts, TaskContext } from './types.js';

type Exited = TaskEventOf<'worker.exited'>;

/** The plan has at least one item and every item is done. */
export function planComplete(plan: PlanFacts): boolean {
  return plan.total > 0 && plan.done === plan.total;
}

/** Two readings of a plan have the same counts (a rewrite that changed no mark is no change). */
export function samePlanFacts(a: PlanFacts, b: PlanFacts): boolean {
  return (
    a.total === b.total &&
    a.done === b.done &&
    a.pending === b.pending &&
    a.blocked === b.blocked &&
    a.error === b.error
  );
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

/** Question `seq` is waiting for its answer. */
export function isPending(context: TaskContext, seq: number): boolean {
  return context.questions.some((q) => q.seq === seq);
}
