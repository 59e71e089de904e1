import { hasWorker } from '@dispatch/core';
import type { TaskWorktree } from '@dispatch/ipc-fs';
import { type AttemptFacts, describeUsage, type NeedsYou, type TaskStatus } from '@dispatch/runtime';
import type { Style } from '../style.js';
import { describeNeedsYou } from './inbox.js';
import { clip } from './fit-text.js';
import { formatAge } from './status-table.js';
import { escapeControls } from './terminal-text.js';

/** Everything `status ID` shows of one task. */
export interface TaskDetail {
  status: TaskStatus;
  needsYou: NeedsYou | null;
  attempts: readonly AttemptFacts[];
  worktree: TaskWorktree | null;
}

const MARKS: Record<string, string> = { done: '✓', pending: '·', blocked: '?', error: '!' };

/** `3m 12s`: a duration to the second, for attempts. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function attemptLine(a: AttemptFacts, now: number, running: boolean): string {
  const ran = a.startedAt === null ? null : (a.endedAt ?? now) - a.startedAt;
  const end =
    a.endedAt === null
      ? running
        ? 'running'
        : 'not started'
      : a.signal !== null
        ? `killed by ${a.signal}`
        : a.code === null
          ? 'ended'
          : `exit ${a.code}`;
  const cause = a.cause ? ` — ${a.cause.kind}: ${a.cause.message}` : '';
  return `#${a.attempt}  ${a.model ?? '?'}  ${end}${ran === null ? '' : `  ${duration(ran)}`}${cause}`;
}

/**
 * The detail view of one task: its state and what it needs, the plan with the current item, the
 * question and its time left, every attempt (model, exit, cause, duration), worktree and cost.
 * Lines are cut to `columns` when it is known.
 */
export function renderTaskDetail(d: TaskDetail, options: { style: Style; now: number; columns?: number }): string {
  const { status: v, style, now } = { ...d, ...options };
  const out: string[] = [];
  const field = (name: string, value: string) => out.push(`${style.dim(name.padEnd(9))} ${value}`);
  out.push(style.bold(`${escapeControls(v.id)} — ${escapeControls(v.title)}`));
  const live = hasWorker(v.state);
  field('state', `${v.state} · attempt ${v.attempt} · ${escapeControls(v.model)} (${escapeControls(v.backend)})`);
  if (d.needsYou) {
    const n = d.needsYou;
    field('needs you', escapeControls(`${describeNeedsYou(n)}${n.command === null ? '' : ` — ${n.command}`}`));
  }
  if (v.activity) field('now', escapeControls(v.activity));
  field('plan', `${v.progress.done}/${v.progress.total} done`);
  const current = v.items.findIndex((i) => i.mark === 'pending');
  v.items.forEach((item, i) => {
    const mark = i === current ? '▸' : (MARKS[item.mark] ?? ' ');
    const note = item.note ? ` — ${item.note}` : '';
    out.push(`  ${mark} ${escapeControls(item.text)}${escapeControls(note)}`);
  });
  if (d.attempts.length > 0) {
    d.attempts.forEach((a, i) =>
      field(i === 0 ? 'attempts' : '', escapeControls(attemptLine(a, now, live && i === d.attempts.length - 1))),
    );
  }
  if (d.worktree) field('worktree', escapeControls(`${d.worktree.path} (branch ${d.worktree.branch})`));
  if (v.usage) field('cost', describeUsage(v.usage));
  field(
    'age',
    `created ${formatAge(now - Date.parse(v.createdAt))} ago · changed ${formatAge(now - Date.parse(v.updatedAt))} ago`,
  );
  field('folder', escapeControls(v.taskDir));
  const lines = options.columns === undefined ? out : out.map((l) => clipStyled(l, options.columns!));
  return `${lines.join('\n')}\n`;
}

/** A line cut to `max` visible characters; a styled line (the name column) is cut on its plain text. */
function clipStyled(line: string, max: number): string {
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  if (plain.length <= max) return line;
  return clip(plain, max);
}
