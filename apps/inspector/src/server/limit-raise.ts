import { type DerivedTask, limitBlock } from '@dispatch/ipc-fs';
import type { ActionBody } from '../shared/api-types.js';

/** A raised limit for a `continue` request: the field the daemon reads and its value. */
export type LimitRaise = { timeLimit: number } | { budgetUsd: number };

/** Why a raise was refused: 400 for input that is not a limit, 409 for a task not blocked on that limit. */
export interface RaiseRefusal {
  status: 400 | 409;
  message: string;
}

/** Whether the page asked a continue to raise a limit (then `raiseOf` decides, not the answer rules). */
export const asksToRaise = (body: ActionBody): boolean => body.timeLimit !== undefined || body.budgetUsd !== undefined;

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The limit a continue raises, checked as `dispatch continue --time-limit/--budget-usd` checks it
 * (whole seconds, dollars above 0), and only for a task blocked on that very limit (`limitBlock`).
 * @example raiseOf({ timeLimit: 600 }, derived) // { timeLimit: 600 } for a task blocked on its time limit
 */
export function raiseOf(body: ActionBody, derived: DerivedTask): LimitRaise | RaiseRefusal {
  const { timeLimit, budgetUsd } = body;
  if (timeLimit !== undefined && budgetUsd !== undefined)
    return { status: 400, message: 'raise one limit at a time: timeLimit or budgetUsd' };
  if (timeLimit !== undefined && !(isPositive(timeLimit) && Number.isInteger(timeLimit)))
    return { status: 400, message: 'timeLimit: a whole number of seconds, more than 0' };
  if (budgetUsd !== undefined && !isPositive(budgetUsd))
    return { status: 400, message: 'budgetUsd: a spend limit in US dollars, more than 0' };
  const id = derived.task.id;
  const kind = derived.snapshot.context.error?.kind;
  if (limitBlock(derived) === null)
    return { status: 409, message: `task ${id} is not blocked on a limit (it is ${derived.state}): nothing to raise` };
  if (timeLimit !== undefined && kind !== 'time-limit')
    return { status: 409, message: `task ${id} is blocked on its budget, not its time limit: raise budgetUsd` };
  if (budgetUsd !== undefined && kind !== 'budget')
    return { status: 409, message: `task ${id} is blocked on its time limit, not its budget: raise timeLimit` };
  return timeLimit !== undefined ? { timeLimit } : { budgetUsd: budgetUsd as number };
}

/** `time limit raised to 10 min`, `budget raised to $5.00`: the raise in the action's reply. */
export function describeRaise(raise: LimitRaise): string {
  if ('budgetUsd' in raise) return `budget raised to $${raise.budgetUsd.toFixed(2)}`;
  const s = raise.timeLimit;
  return `time limit raised to ${s % 60 === 0 ? `${s / 60} min` : `${s} s`}`;
}
