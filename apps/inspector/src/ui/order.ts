import type { TaskSummary } from '../shared/api-types.js';

/** The list's order, as the server sorts it: what needs the user first, then the latest change. */
export function byUrgency(a: TaskSummary, b: TaskSummary): number {
  return (
    Number(b.needsUser) - Number(a.needsUser) || b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id)
  );
}
