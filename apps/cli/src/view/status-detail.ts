import { hasWorker, holdsSlot } from '@dispatch/core';
import type { TaskWorktree } from '@dispatch/ipc-fs';
import { type AttemptFacts, describeExecutor, describeUsage, type NeedsYou, type TaskStatus } from '@dispatch/runtime';
import type { Style } from '../style.js';
import { describeNeedsYou } from './inbox.js';
import { formatAge } from './status-table.js';
import { headOf, widthOf } from './fit-text.js';
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
 * Text broken into lines of at most `width` terminal columns, at spaces where it can (a longer
 * word is cut), whitespace runs flattened.
 * @example wrap('JWT or sessions? I found both', 12) // ['JWT or', 'sessions? I', 'found both']
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (widthOf(word) > width) {
      if (line !== '') lines.push(line);
      const head = headOf(word, width) || [...word][0]!; // a character wider than the line still moves on
      lines.push(head);
      word = word.slice(head.length);
      line = '';
    }
    if (line === '') line = word;
    else if (widthOf(line) + 1 + widthOf(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * The detail view of one task: its state and what it needs, the plan with the current item, the
 * question and its time left, every attempt (model, exit, cause, duration), worktree and cost.
 * On a terminal (`columns` known) long values wrap under their column instead of running off the
 * edge: a detail view is read, so nothing in it is cut — least of all the question or the command.
 */
export function renderTaskDetail(d: TaskDetail, options: { style: Style; now: number; columns?: number }): string {
  const { status: v, style, now } = { ...d, ...options };
  const out: string[] = [];
  /** A line whose text wraps at the width with continuation lines indented by `hang`. */
  const push = (lead: string, leadWidth: number, text: string, hang = leadWidth) => {
    if (options.columns === undefined) return void out.push(`${lead}${text}`);
    const [first = '', ...rest] = wrap(text, Math.max(20, options.columns - Math.max(leadWidth, hang)));
    out.push(`${lead}${first}`, ...rest.map((l) => `${' '.repeat(hang)}${l}`));
  };
  const field = (name: string, value: string) => push(`${style.dim(name.padEnd(9))} `, 10, value);
  const title = v.title === v.id ? escapeControls(v.id) : `${escapeControls(v.id)} — ${escapeControls(v.title)}`;
  push('', 0, title);
  if (out.length > 0) out[0] = style.bold(out[0]!);
  const live = hasWorker(v.state);
  field('state', `${v.state} · attempt ${v.attempt} · ${escapeControls(v.model)} (${escapeControls(v.backend)})`);
  if (d.needsYou) {
    const n = d.needsYou;
    field('needs you', escapeControls(`${describeNeedsYou(n)}${n.command === null ? '' : ` — ${n.command}`}`));
  }
  if (v.activity) field('now', escapeControls(v.activity));
  if (v.executor) field(holdsSlot(v.state) ? 'runs on' : 'ran on', escapeControls(describeExecutor(v.executor)));
  field('plan', `${v.progress.done}/${v.progress.total} done`);
  const current = v.items.findIndex((i) => i.mark === 'pending');
  v.items.forEach((item, i) => {
    const mark = i === current ? '▸' : (MARKS[item.mark] ?? ' ');
    const note = item.note ? ` — ${item.note}` : '';
    push(`  ${mark} `, 4, `${escapeControls(item.text)}${escapeControls(note)}`);
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
  return `${out.join('\n')}\n`;
}
