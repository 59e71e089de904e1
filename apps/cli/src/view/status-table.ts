import type { TaskState } from '@dispatch/core';
import type { TaskView } from '@dispatch/ipc-fs';
import type { Style } from '../style.js';
import { type NeedsYou, needsYouOfView } from '@dispatch/runtime';
import { escapeControls } from './terminal-text.js';
import { clip, padTo, widthOf } from './fit-text.js';

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

function paintState(text: string, state: TaskState, style: Style): string {
  if (state === 'failed') return style.bold(style.red(text));
  if (RANK[state] <= 1) return style.bold(style.yellow(text));
  if (state === 'completed') return style.green(text);
  if (RANK[state] === 3) return style.cyan(text);
  return style.dim(text);
}

/** The first item not done yet: what the worker is on. */
export function currentItem(view: TaskView): string | null {
  return view.items.find((i) => i.mark === 'pending')?.text ?? null;
}

/**
 * What the last column shows: the task's "needs you" line (glyph and text), else for a task at
 * work its current item and what its worker does now.
 */
function lastCell(view: TaskView, needs: NeedsYou | null, activity: string | null | undefined): string {
  if (needs) return `${needs.glyph} ${needs.seq === null ? '' : `#${needs.seq} `}${needs.text}`;
  if (RANK[view.state] !== 3) return '';
  const item = currentItem(view);
  const parts = [item, activity].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length === 0 ? '' : `▸ ${parts.join(' · ')}`;
}

/** Options of `renderStatusTable`. */
export interface TableOptions {
  style: Style;
  now: number;
  /** Terminal width: every column is cut to fit, never wrapped (the last cut at 60 when unknown). */
  columns?: number;
  /** What a task's worker is doing now (from its structured output), when known. */
  activity?: ReadonlyMap<string, string | null>;
  /** Each task's "needs you" line (runtime's `needsYouOf`); computed from the view when absent. */
  needsYou?: ReadonlyMap<string, NeedsYou | null>;
}

/** A table row, with how much it matters when the screen is short. */
export interface TableRow {
  id: string;
  state: TaskState;
  line: string;
  /** 0: needs the user; 1: at work; 2: waiting its turn; 3: finished. */
  tier: 0 | 1 | 2 | 3;
}

/** The header and one row a task, in table order. */
export interface Table {
  header: string;
  rows: TableRow[];
}

const HEADER = ['ID', 'STATE', 'MODEL', 'PROGRESS', 'AGE', 'NEEDS YOU / NOW'];

function tierOf(state: TaskState, needs: NeedsYou | null): TableRow['tier'] {
  if (needs !== null && needs.kind !== 'queued' && needs.kind !== 'waiting') return 0;
  if (RANK[state] === 3) return 1;
  if (RANK[state] === 4) return 2;
  return RANK[state] <= 2 ? 0 : 3;
}

/** Column widths that fit `columns`: ids and models give way first, the last column keeps a third. */
function fitWidths(natural: number[], columns: number | undefined): number[] {
  const widths = [...natural];
  if (columns === undefined) return widths;
  const keep = Math.max(16, Math.floor(columns / 3));
  // [column, narrowest it gets at this step], in the order they give way.
  const steps: [number, number][] = [
    [0, 12],
    [2, 8],
    [0, 8],
    [1, 5],
    [2, 5],
    [3, 3],
  ];
  for (const [i, floor] of steps) {
    const over = keep - (columns - widths.reduce((sum, w) => sum + w + 2, 0));
    if (over <= 0) break;
    widths[i] = Math.max(Math.min(widths[i]!, floor), widths[i]! - over);
  }
  return widths;
}

/** The status table as a header and rows, each line fitting `columns` (when known). */
export function buildStatusTable(views: readonly TaskView[], options: TableOptions): Table {
  const { columns } = options;
  // The bar needs room; a narrow terminal gets `3/8`.
  const bar = columns === undefined || columns >= 100;
  const cells = sortForStatus(views).map((v) => {
    const needs = options.needsYou?.get(v.id) ?? needsYouOfView(v, { now: options.now });
    return {
      id: v.id,
      state: v.state,
      needs,
      cells: [
        escapeControls(v.id),
        v.state,
        escapeControls(v.model),
        bar ? progressBar(v.progress.done, v.progress.total) : `${v.progress.done}/${v.progress.total}`,
        formatAge(options.now - Date.parse(v.createdAt)),
      ],
      last: escapeControls(lastCell(v, needs, options.activity?.get(v.id)))
        .replace(/\s+/g, ' ')
        .trim(),
    };
  });
  const natural = HEADER.slice(0, 5).map((h, i) => Math.max(h.length, ...cells.map((r) => widthOf(r.cells[i]!))));
  const widths = fitWidths(natural, columns);
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const room = columns === undefined ? 60 : Math.max(1, columns - used);
  const pad = (text: string, i: number) => padTo(clip(text, widths[i]!), widths[i]!);
  const line = (row: string[], last: string, state?: TaskState) => {
    const painted = row.map((c, i) => {
      if (i !== 1 || state === undefined) return pad(c, i);
      const cut = clip(c, widths[1]!);
      return paintState(cut, state, options.style) + ' '.repeat(widths[1]! - widthOf(cut));
    });
    return [...painted, clip(last, room)].join('  ').trimEnd();
  };
  const header = options.style.bold(line(HEADER.slice(0, 5), clip(HEADER[5]!, room)));
  const rows = cells.map((r) => ({
    id: r.id,
    state: r.state,
    line: line(r.cells, r.last, r.state),
    tier: tierOf(r.state, r.needs),
  }));
  return { header, rows };
}

/** The status table: id, state, model, progress, age and what the task needs or does now. */
export function renderStatusTable(views: readonly TaskView[], options: TableOptions): string {
  const table = buildStatusTable(views, options);
  return `${table.header}\n${table.rows.map((r) => r.line).join('\n')}\n`;
}
