import { describe, expect, it } from 'vitest';
import { layoutStatus, type StatusScreen } from './status-screen.js';
import type { TableRow } from './status-table.js';

const row = (id: string, state: TableRow['state'], tier: TableRow['tier']): TableRow => ({
  id,
  state,
  tier,
  line: `${id} ${state}`,
});

const screen = (rows: TableRow[], needs: string[] = [], footers: string[] = []): StatusScreen => ({
  needs,
  footers,
  table: { header: 'ID STATE', rows },
});

describe('layoutStatus', () => {
  const rows = [
    row('ask', 'awaiting-answer', 0),
    row('run-1', 'running', 1),
    row('run-2', 'running', 1),
    row('wait', 'queued', 2),
    row('done-1', 'completed', 3),
    row('done-2', 'completed', 3),
    row('gone', 'cancelled', 3),
  ];

  it('piped (no size): every row, whole, nothing folded', () => {
    const text = layoutStatus(screen(rows, ['? ask asks #1: why?']), { collapseFinished: false });
    expect(text.split('\n')).toEqual(['? ask asks #1: why?', '', 'ID STATE', ...rows.map((r) => r.line), '']);
  });

  it('folds finished tasks into one line', () => {
    const text = layoutStatus(screen(rows), { columns: 120, collapseFinished: true });
    expect(text).toContain('+2 completed, 1 cancelled — dispatch clean removes them; dispatch status --all shows them');
    expect(text).not.toContain('done-1');
  });

  it('fits the height: needs-you lines and failures stay, the least urgent rows give way to one line', () => {
    const text = layoutStatus(screen(rows, ['? ask asks #1: why?'], ['x: auth — log in']), {
      columns: 120,
      rows: 9,
      collapseFinished: true,
    });
    expect(text.split('\n')).toEqual([
      '? ask asks #1: why?',
      '',
      'ID STATE',
      'ask awaiting-answer',
      'run-1 running',
      '+1 running, 1 queued, 2 completed, 1 cancelled not shown — dispatch status --all | less',
      '',
      'x: auth — log in',
      '',
    ]);
  });

  it('too short for a table: what needs the user, then how many more', () => {
    const needs = ['? a asks', '? b asks', '? c asks', '? d asks'];
    expect(layoutStatus(screen(rows, needs), { columns: 80, rows: 4, collapseFinished: true })).toBe(
      '? a asks\n? b asks\n+2 more — dispatch inbox\n',
    );
  });

  it('cuts long lines to the width with an ellipsis', () => {
    const text = layoutStatus(screen([], ['? a asks #1: a very long question indeed']), {
      columns: 20,
      collapseFinished: true,
    });
    expect(text.split('\n')[0]).toBe('? a asks #1: a very…');
  });
});
