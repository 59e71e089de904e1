import type { Plan, PlanSummary } from './types.js';

/**
 * Counts a plan's items by mark.
 * @example summarizePlan(parsePlan('- [x] a\n- [ ] b\n')); // { total: 2, done: 1, pending: 1, blocked: 0, error: 0 }
 */
export function summarizePlan(plan: Plan): PlanSummary {
  const counts = { total: 0, done: 0, pending: 0, blocked: 0, error: 0 };
  for (const item of plan.items) {
    counts.total++;
    counts[item.mark]++;
  }
  return counts;
}

/**
 * Done items out of all items, for progress displays (`3/5`).
 * @example planProgress(parsePlan('- [x] a\n- [?] b\n')); // { done: 1, total: 2 }
 */
export function planProgress(plan: Plan): { done: number; total: number } {
  const { done, total } = summarizePlan(plan);
  return { done, total };
}
