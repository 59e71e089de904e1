import type { Table, TableRow } from './status-table.js';
import { clip } from './fit-text.js';

/** What one `status` screen is made of, most important first. */
export interface StatusScreen {
  /** One line a task that needs an answer (questions, blocks), with the command. */
  needs: string[];
  table: Table;
  /** The failure report (one line a cause) and notes. */
  footers: string[];
}

/** The room a screen has; none known (piped output): every line, whole. */
export interface ScreenSize {
  columns?: number;
  rows?: number;
  /** Fold finished tasks into one line (`+12 completed — dispatch clean`). */
  collapseFinished: boolean;
}

/** `+12 completed, 1 cancelled, 3 running`: rows not shown, counted by state. */
function countsOf(rows: readonly TableRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

/** The line that stands for rows not shown, with the command that shows or removes them. */
function hiddenLine(folded: readonly TableRow[], cut: readonly TableRow[]): string | null {
  if (folded.length + cut.length === 0) return null;
  if (cut.length === 0) return `+${countsOf(folded)} — dispatch clean removes them; dispatch status --all shows them`;
  return `+${countsOf([...cut, ...folded])} not shown — dispatch status --all | less`;
}

/**
 * The `status` screen as text: what needs an answer on top, then the table (needing the user,
 * at work, queued), a line for the rows left out, and the failures by cause. With a known size
 * no line is longer than the width and the whole fits the height: the needs-you lines and the
 * failures always show; table rows are left out from the least urgent up.
 */
export function layoutStatus(screen: StatusScreen, size: ScreenSize): string {
  const fit = (lines: string[]) => (size.columns === undefined ? lines : lines.map((l) => clip(l, size.columns!)));
  const needs = fit(screen.needs);
  const footers = fit(screen.footers);
  const folded = size.collapseFinished ? screen.table.rows.filter((r) => r.tier === 3) : [];
  let rows = screen.table.rows.filter((r) => !folded.includes(r));
  let cut: TableRow[] = [];
  if (size.rows !== undefined) {
    // One line stays free: the cursor's, after the last newline.
    const budget = size.rows - 1;
    const fixed = needs.length + footers.length + (needs.length > 0 ? 1 : 0) + (footers.length > 0 ? 1 : 0);
    const room = budget - fixed - 1; // the header
    const summary = folded.length > 0 ? 1 : 0;
    if (room < 2) return shortScreen([...needs, ...footers], budget);
    if (rows.length + summary > room) {
      // Rows are in urgency order: keep the first, one line says what the rest are.
      cut = rows.slice(room - 1);
      rows = rows.slice(0, room - 1);
    }
  }
  const hidden = hiddenLine(folded, cut);
  const table = [screen.table.header, ...rows.map((r) => r.line), ...(hidden === null ? [] : fit([hidden]))];
  const parts = [needs, table, footers].filter((p) => p.length > 0);
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}

/** Too short for a table: what needs the user, cut with a pointer to the rest. */
function shortScreen(lines: string[], budget: number): string {
  if (lines.length <= budget) return `${lines.join('\n')}\n`;
  const keep = Math.max(0, budget - 1);
  return `${[...lines.slice(0, keep), `+${lines.length - keep} more — dispatch inbox`].join('\n')}\n`;
}
