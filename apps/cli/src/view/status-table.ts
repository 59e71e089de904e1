import type { TaskState } from '@dispatch/core';
import type { TaskView } from '@dispatch/ipc-fs';
import type { Style } from '../style.js';
import { blockerOf } from '@dispatch/runtime';
import { escapeControls } from './terminal-text.js';

/** Sort rank of a state: what needs the user first, then work under way, then finished tasks. */
const RANK: Record<TaskState, number> = {
  'awaiting-answer': 0,
  'timed-out': 0,
  blocked: 1,
  failed: 2,
  recovering: 3,
  running: 3,
  starting: 3,
  queued: 4,
  completed: 5,
  cancelled: 6,
};

/** Tasks in table order: needing the user first, then by creation time. */
export function sortForStatus(views: readonly TaskView[]): TaskView[] {
  return [...views].sort(
    (a, b) => RANK[a.state] - RANK[b.state] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/** `[###-----] 3/8`: done items out of all, as a bar of `width` cells. */
export function progressBar(done: number, total: number, width = 8): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/** A duration in its largest unit: `42s`, `5m`, `3h`, `2d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function paintState(state: TaskState, style: Style): string {
  if (state === 'failed') return style.bold(style.red(state));
  if (RANK[state] <= 1) return style.bold(style.yellow(state));
  if (state === 'completed') return style.green(state);
  if (RANK[state] === 3) return style.cyan(state);
  return style.dim(state);
}

/** What the last column shows: the pending question, the blocker, the error, or what the worker does. */
function attention(view: TaskView, activity: string | null | undefined): string {
  if (view.state === 'failed' && view.error) return `${view.error.kind}: ${view.error.message}`;
  const blocker = view.state === 'blocked' ? blockerOf(view) : view.question;
  if (!blocker) return activity ? `▸ ${activity}` : '';
  return blocker.seq === null ? blocker.text : `#${blocker.seq} ${blocker.text}`;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1))}…`;
}

/** Options of `renderStatusTable`. */
export interface TableOptions {
  style: Style;
  now: number;
  /** Terminal width; the last column is cut to fit (60 characters when unknown). */
  columns?: number;
  /** What a task's worker is doing now (from its structured output), when known. */
  activity?: ReadonlyMap<string, string | null>;
}

/** The status table: id, state, model, progress bar, age and what the task waits on. */
export function renderStatusTable(views: readonly TaskView[], options: TableOptions): string {
  const header = ['ID', 'STATE', 'MODEL', 'PROGRESS', 'AGE', 'QUESTION / ERROR'];
  const rows = sortForStatus(views).map((v) => ({
    cells: [
      escapeControls(v.id),
      v.state,
      escapeControls(v.model),
      progressBar(v.progress.done, v.progress.total),
      formatAge(options.now - Date.parse(v.createdAt)),
    ],
    state: v.state,
    last: escapeControls(attention(v, options.activity?.get(v.id))),
  }));
  const widths = header.slice(0, 5).map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const room = options.columns === undefined ? 60 : Math.max(20, options.columns - used - 1);
  const pad = (text: string, i: number) => text.padEnd(widths[i]!);
  const lines = [[...header.slice(0, 5).map(pad), header[5]].join('  ').trimEnd()];
  for (const row of rows) {
    const cells = row.cells.map((c, i) =>
      i === 1 ? paintState(row.state, options.style) + ' '.repeat(widths[1]! - c.length) : pad(c, i),
    );
    lines.push([...cells, truncate(row.last, room)].join('  ').trimEnd());
  }
  return `${options.style.bold(lines[0]!)}\n${lines.slice(1).join('\n')}\n`;
}
