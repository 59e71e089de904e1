import { isFinalState, needsUser, TASK_STATES, type TaskState } from '@dispatch/core';
import { type DerivedTask, type QueueEntry, toTaskView } from '@dispatch/ipc-fs';
import type { TaskSummary } from '../shared/api-types.js';
import { deriveTask, needsYouOf } from '@dispatch/runtime';

/** The machine's states for the list's filter: what needs the user first, final ones last. */
export const STATE_FILTER_ORDER: TaskState[] = [
  ...TASK_STATES.filter((s) => needsUser(s)),
  ...TASK_STATES.filter((s) => !needsUser(s) && !isFinalState(s)).reverse(),
  ...TASK_STATES.filter((s) => isFinalState(s)),
];

/** The list's line of a derived task; `queued`: why the daemon keeps it queued, when it said. */
export function summaryOf(derived: DerivedTask, ws: string, queued: string | null = null): TaskSummary {
  const view = toTaskView(derived);
  const line = needsYouOf(derived, { queued });
  return {
    id: view.id,
    ws,
    title: view.title,
    state: view.state,
    model: view.model,
    progress: view.progress,
    needsUser: needsUser(view.state),
    final: isFinalState(view.state),
    question: view.question,
    error: view.error,
    waiting: view.waiting,
    needsYou: line && {
      kind: line.kind,
      glyph: line.glyph,
      text: line.text,
      seq: line.seq,
      secondsLeft: line.secondsLeft,
      until: line.until ?? null,
      command: line.command,
    },
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

/** Summaries of tasks `ids` of one workspace; a task whose files cannot be read is left out. */
export async function summarize(
  dispatchDir: string,
  ws: string,
  ids: readonly string[],
  queue: readonly QueueEntry[] = [],
): Promise<TaskSummary[]> {
  const out: TaskSummary[] = [];
  for (const id of ids) {
    try {
      out.push(summaryOf(await deriveTask(dispatchDir, id), ws, queuedReason(queue, dispatchDir, id)));
    } catch {
      // half-created or damaged: `dispatch status` reports it; the list shows what it can
    }
  }
  return out;
}

/** The list's order: what needs the user first, then the most recently changed. */
export function byUrgency(a: TaskSummary, b: TaskSummary): number {
  return (
    Number(b.needsUser) - Number(a.needsUser) || b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id)
  );
}

/** Why the daemon keeps a task queued (`queue.json`), with its place in line, as `status` says it. */
export function queuedReason(queue: readonly QueueEntry[], dispatchDir: string, id: string): string | null {
  const q = queue.find((e) => e.dispatchDir === dispatchDir && e.id === id);
  if (!q) return null;
  return q.place === undefined ? q.reason : `${q.reason} (#${q.place} in line)`;
}
