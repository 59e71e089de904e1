import { escapeControls } from './terminal-text.js';
import { dirname } from 'node:path';
import { MODEL_FAILURES } from '@dispatch/config';
import type { DerivedTask } from '@dispatch/ipc-fs';
import { type AlternativesLookup, NEEDS_YOU_GLYPHS, type NeedsYou, needsYouOf, quotaWaitText } from '@dispatch/runtime';

/** One thing that needs the user, and the command that deals with it (`inbox --json`'s objects). */
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
    }
  /** Waiting for its quota to reset (`until`, ISO): it starts again by itself; `action` is another model, if any. */
  | { type: 'waiting'; id: string; dispatchDir: string; until: string; message: string; action: string | null };

/**
 * What in these tasks needs the user: unanswered questions (with the time left before the worker
 * gives up), blocked tasks, failures (with their class and the command that recovers them), in
 * that order, oldest first within each. Each is the task's shared "needs you" line (runtime).
 */
export async function inboxOf(
  tasks: readonly DerivedTask[],
  alternatives: AlternativesLookup,
  now = Date.now(),
): Promise<InboxEntry[]> {
  const byKind: Record<InboxEntry['type'], InboxEntry[]> = { question: [], blocked: [], failed: [], waiting: [] };
  for (const t of tasks) {
    const dispatchDir = dirname(dirname(t.paths.dir)); // <dispatchDir>/tasks/<id>
    const { context } = t;
    const error = context.error ?? { kind: 'crash', message: 'the task failed' };
    const waiting = t.state === 'queued' && context.waiting !== null;
    const others =
      t.state === 'failed' && MODEL_FAILURES.includes(error.kind)
        ? await alternatives([...context.modelsTried, context.model], error.kind)
        : waiting
          ? await alternatives([...context.modelsTried, context.model], 'quota')
          : [];
    const line = needsYouOf(t, { now, alternatives: others });
    if (line === null || line.kind === 'queued') continue;
    const action = line.command ?? '';
    if (line.kind === 'question')
      byKind.question.push({
        type: 'question',
        id: line.id,
        dispatchDir,
        seq: line.seq ?? 0,
        text: line.text,
        secondsLeft: line.secondsLeft,
        action,
      });
    else if (line.kind === 'waiting')
      byKind.waiting.push({
        type: 'waiting',
        id: line.id,
        dispatchDir,
        until: line.until ?? '',
        message: context.waiting?.message ?? '',
        action: line.command,
      });
    else if (line.kind === 'blocked')
      byKind.blocked.push({ type: 'blocked', id: line.id, dispatchDir, seq: line.seq, text: line.text, action });
    else
      byKind.failed.push({
        type: 'failed',
        id: line.id,
        dispatchDir,
        kind: error.kind,
        message: error.message,
        alternatives: others,
        action,
      });
  }
  return [...byKind.question, ...byKind.blocked, ...byKind.failed, ...byKind.waiting];
}

/** `(3m 20s left)`, or what happens now that the worker stopped waiting. */
export function timeLeft(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds === 0) return ' (the worker stopped waiting: answer to continue it)';
  return seconds >= 60 ? ` (${Math.floor(seconds / 60)}m ${seconds % 60}s left)` : ` (${seconds}s left)`;
}

/** A "needs you" line in words, without the command: `? api asks #1 (2m left): JWT?`. */
export function describeNeedsYou(n: Pick<NeedsYou, 'kind' | 'glyph' | 'id' | 'text' | 'seq' | 'secondsLeft'>): string {
  switch (n.kind) {
    case 'question':
      return `${n.glyph} ${n.id} asks #${n.seq}${timeLeft(n.secondsLeft)}: ${n.text}`;
    case 'blocked':
      return `${n.glyph} ${n.id} is blocked: ${n.text}`;
    case 'failed':
      return `${n.glyph} ${n.id} failed (${n.text.replace(/: /, '): ')}`;
    case 'waiting':
      return `${n.glyph} ${n.id} is ${n.text}`;
    case 'queued':
      return `${n.glyph} ${n.id} is queued: ${n.text}`;
  }
}

/** One line an entry: what needs the user, then the command. */
export function renderInbox(entries: readonly InboxEntry[]): string[] {
  return entries.map((e) =>
    escapeControls(
      `${describeNeedsYou(asLine(e))}${e.action === null ? ' (it starts again by itself)' : ` — ${e.action}`}`,
    ),
  );
}

/** An inbox entry back as its "needs you" line (the glyph and wording are the shared model's). */
function asLine(e: InboxEntry): Parameters<typeof describeNeedsYou>[0] {
  const base = { id: e.id, seq: null, secondsLeft: null };
  if (e.type === 'question')
    return {
      ...base,
      kind: 'question',
      glyph: NEEDS_YOU_GLYPHS.question,
      text: e.text,
      seq: e.seq,
      secondsLeft: e.secondsLeft,
    };
  if (e.type === 'blocked')
    return { ...base, kind: 'blocked', glyph: NEEDS_YOU_GLYPHS.blocked, text: e.text, seq: e.seq };
  if (e.type === 'waiting')
    return {
      ...base,
      kind: 'waiting',
      glyph: NEEDS_YOU_GLYPHS.waiting,
      text: quotaWaitText(Date.parse(e.until), e.message),
    };
  return {
    ...base,
    kind: 'failed',
    glyph: NEEDS_YOU_GLYPHS.failed,
    text: `${e.kind}: ${e.message.replace(/\s+/g, ' ')}`,
  };
}
