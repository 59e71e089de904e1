import { escapeControls } from './terminal-text.js';
import { dirname } from 'node:path';
import { MODEL_FAILURES } from '@dispatch/config';
import { hasWorker, needsUser } from '@dispatch/core';
import { type DerivedTask, toTaskView } from '@dispatch/ipc-fs';
import { type AlternativesLookup, blockerOf } from '@dispatch/runtime';

/** One thing that needs the user, and the command that deals with it. */
export type InboxEntry =
  | {
      type: 'question';
      id: string;
      dispatchDir: string;
      seq: number;
      text: string;
      secondsLeft: number | null;
      action: string;
    }
  | { type: 'blocked'; id: string; dispatchDir: string; seq: number | null; text: string; action: string }
  | {
      type: 'failed';
      id: string;
      dispatchDir: string;
      kind: string;
      message: string;
      alternatives: string[];
      action: string;
    };

const quote = (id: string) => (/^[a-z0-9-]+$/.test(id) ? id : `'${id}'`);

/**
 * What in these tasks needs the user: unanswered questions (with the time left before the worker
 * gives up), blocked tasks, failures (with their class and the command that recovers them), in
 * that order, oldest first within each.
 */
export async function inboxOf(
  tasks: readonly DerivedTask[],
  alternatives: AlternativesLookup,
  now = Date.now(),
): Promise<InboxEntry[]> {
  const questions: InboxEntry[] = [];
  const blocked: InboxEntry[] = [];
  const failed: InboxEntry[] = [];
  for (const t of tasks) {
    const view = toTaskView(t);
    const { id } = view;
    const dispatchDir = dirname(dirname(t.paths.dir)); // <dispatchDir>/tasks/<id>
    if (view.question && hasWorker(view.state) && needsUser(view.state)) {
      const deadline = t.snapshot.context.deadlines.answer;
      questions.push({
        type: 'question',
        id,
        dispatchDir,
        seq: view.question.seq,
        text: view.question.text,
        secondsLeft: deadline === null ? null : Math.max(0, Math.round((deadline - now) / 1000)),
        action: `dispatch answer ${quote(id)} "…"`,
      });
    } else if (view.state === 'blocked') {
      const b = blockerOf(view) ?? { seq: null, text: 'the worker stopped at a [?] item' };
      blocked.push({
        type: 'blocked',
        id,
        dispatchDir,
        seq: b.seq,
        text: b.text,
        action: `dispatch answer ${quote(id)} "…"`,
      });
    } else if (view.state === 'failed') {
      const error = view.error ?? { kind: 'crash', message: 'the task failed' };
      const others = MODEL_FAILURES.includes(error.kind)
        ? await alternatives([...t.snapshot.context.modelsTried, view.model], error.kind)
        : [];
      const action =
        others[0] !== undefined ? `dispatch retry ${quote(id)} --model ${others[0]}` : `dispatch retry ${quote(id)}`;
      failed.push({
        type: 'failed',
        id,
        dispatchDir,
        kind: error.kind,
        message: error.message,
        alternatives: others,
        action,
      });
    }
  }
  return [...questions, ...blocked, ...failed];
}

function left(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds === 0) return ' (the worker stopped waiting: answer to continue it)';
  return seconds >= 60 ? ` (${Math.floor(seconds / 60)}m ${seconds % 60}s left)` : ` (${seconds}s left)`;
}

/** One line an entry: what needs the user, then the command. */
export function renderInbox(entries: readonly InboxEntry[]): string[] {
  return entries.map((e) => escapeControls(lineOf(e)));
}

/** One entry's line, as task files have it (escaped by `renderInbox`). */
function lineOf(e: InboxEntry): string {
  switch (e.type) {
    case 'question':
      return `? ${e.id} asks #${e.seq}${left(e.secondsLeft)}: ${e.text} — ${e.action}`;
    case 'blocked':
      return `? ${e.id} is blocked: ${e.text} — ${e.action}`;
    case 'failed':
      return `! ${e.id} failed (${e.kind}): ${e.message.replace(/\s+/g, ' ')} — ${e.action}`;
  }
}
