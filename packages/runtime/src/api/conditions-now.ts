import type { Caller } from '../caller.js';
import { alternativesFor } from '../config/alternatives.js';
import { conditionOf, CONDITION_TYPES, type Condition } from '../tasks/conditions.js';
import { deriveTasks } from '../tasks/task-list.js';

/** What `wait` and `watch()` look at: some tasks (none named: every task of the workspace), minus those finished before. */
export interface ConditionScope {
  dispatchDir: string;
  ids: readonly string[];
  /** Tasks already finished when the wait began: not news (only when no ids are named). */
  finishedBefore: ReadonlySet<string>;
}

/** A condition holding now, and the attempt it belongs to (a task may fail again after a retry). */
export interface HeldCondition {
  condition: Condition;
  attempt: number;
}

/** The notable conditions holding now, needs-user first, then in the tasks' order. */
export async function conditionsNow(caller: Caller, scope: ConditionScope): Promise<HeldCondition[]> {
  const tasks = (await deriveTasks(scope.dispatchDir, scope.ids)).filter((t) => !scope.finishedBefore.has(t.task.id));
  const alternatives = alternativesFor(caller.env);
  const found = await Promise.all(
    tasks.map(async (t) => ({ condition: await conditionOf(t, alternatives), attempt: t.context.attempt })),
  );
  const held = found.filter((h): h is HeldCondition => h.condition !== null);
  const rank = (h: HeldCondition) => CONDITION_TYPES.indexOf(h.condition.type);
  return held
    .map((h, i) => [h, i] as const)
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([h]) => h);
}
