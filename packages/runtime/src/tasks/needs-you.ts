import { hasWorker, isFinalState, needsUser } from '@dispatch/core';
import { type DerivedTask, formatUntil, type TaskView, toTaskView } from '@dispatch/ipc-fs';
import { blockerOf } from './conditions.js';

/**
 * Why a task is on the user's list: a pending question, a block, a failure, a wait for a quota to
 * reset (only time is needed, or another model), or a wait with a reason.
 */
export type NeedsYouKind = 'question' | 'blocked' | 'failed' | 'waiting' | 'queued';

/** One glyph per kind, the same in the CLI and the inspector. */
export const NEEDS_YOU_GLYPHS: Readonly<Record<NeedsYouKind, string>> = {
  question: '?',
  blocked: '!',
  failed: '✗',
  waiting: '◷',
  queued: '…',
};

/** A task's one "needs you" line, as the CLI's status and inbox and the inspector all show it. */
export interface NeedsYou {
  kind: NeedsYouKind;
  glyph: string;
  id: string;
  /** The question (for question and blocked), `kind: message` (failed), or why it waits (queued). */
  text: string;
  /** The question's number, when there is one. */
  seq: number | null;
  /** Seconds before the worker stops waiting for an answer (question only; 0: it stopped). */
  secondsLeft: number | null;
  /** When a quota wait ends (waiting only; ISO). */
  until?: string;
  /** The command that deals with it; null when only time does (a queued task). */
  command: string | null;
}

/** What the line is built from besides the task: the clock, the daemon's queue, models to retry with. */
export interface NeedsYouFacts {
  now?: number;
  /** Why the daemon keeps this task queued (`queue.json`), when it said. */
  queued?: string | null;
  /** Models a retry may use, best first (failed tasks whose model was the problem). */
  alternatives?: readonly string[];
  /** Prefix for commands aimed at another workspace (`-C DIR `); none by default. */
  commandPrefix?: string;
}

/**
 * `waiting for quota until 14:05 (claude: rate or usage limit reached)`: the CLI's words without
 * their detail and advice (waiting is the advice). The status line and the inbox both say it.
 */
export function quotaWaitText(until: number, message: string, now = Date.now()): string {
  return `waiting for quota until ${formatUntil(until, now)} (${oneLine(message).split(/ \(| — |; /)[0] ?? ''})`;
}
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const quote = (id: string) => (/^[a-z0-9-]+$/.test(id) ? id : `'${id}'`);

/**
 * The line a task shows where the user looks first, or null when it needs nothing. A final task
 * (completed, cancelled) never shows one, so a cancelled task's unanswered question is gone; a
 * question counts only while this attempt's worker may read its answer.
 * @example needsYouOf(derived) // { kind: 'question', glyph: '?', text: 'JWT or sessions?', command: 'dispatch answer api "…"', ... }
 */
export function needsYouOf(derived: DerivedTask, facts: NeedsYouFacts = {}): NeedsYou | null {
  return needsYouOfView(toTaskView(derived), { ...facts, answerDeadline: derived.context.deadlines.answer });
}

/** `needsYouOf` for a task's view; `answerDeadline`: when its worker stops waiting for an answer. */
export function needsYouOfView(
  view: TaskView,
  facts: NeedsYouFacts & { answerDeadline?: number | null } = {},
): NeedsYou | null {
  const { id, state } = view;
  if (isFinalState(state)) return null;
  const cmd = (rest: string) => `dispatch ${facts.commandPrefix ?? ''}${rest}`;
  const line = (kind: NeedsYouKind, text: string, extra: Partial<NeedsYou>): NeedsYou => ({
    kind,
    glyph: NEEDS_YOU_GLYPHS[kind],
    id,
    text,
    seq: null,
    secondsLeft: null,
    command: null,
    ...extra,
  });
  if (view.question && hasWorker(state) && needsUser(state)) {
    const deadline = facts.answerDeadline ?? null;
    const now = facts.now ?? Date.now();
    return line('question', view.question.text, {
      seq: view.question.seq,
      secondsLeft: deadline === null ? null : Math.max(0, Math.round((deadline - now) / 1000)),
      command: cmd(`answer ${quote(id)} "…"`),
    });
  }
  const limit = view.error?.kind === 'budget' || view.error?.kind === 'time-limit' ? view.error : null;
  if (state === 'blocked' && limit !== null) {
    // Raising the limit is the way on: the next worker resumes the session.
    const raise = limit.kind === 'budget' ? '--budget-usd N' : '--time-limit S';
    return line('blocked', `${limit.kind}: ${oneLine(limit.message)}`, {
      command: cmd(`continue ${quote(id)} ${raise}`),
    });
  }
  if (state === 'blocked') {
    const b = blockerOf(view) ?? { seq: null, text: 'the worker stopped at a [?] item' };
    return line('blocked', b.text, { seq: b.seq, command: cmd(`answer ${quote(id)} "…"`) });
  }
  if (state === 'failed') {
    const error = view.error ?? { kind: 'crash', message: 'the task failed' };
    const best = facts.alternatives?.[0];
    return line('failed', `${error.kind}: ${oneLine(error.message)}`, {
      command: cmd(best === undefined ? `retry ${quote(id)}` : `retry ${quote(id)} --model ${best}`),
    });
  }
  if (state === 'queued' && view.waiting !== null) {
    const until = Date.parse(view.waiting.until);
    const best = facts.alternatives?.[0];
    return line('waiting', quotaWaitText(until, view.waiting.message, facts.now), {
      until: view.waiting.until,
      // Only time is needed; another model is the way round it, where there is one.
      command: best === undefined ? null : cmd(`retry ${quote(id)} --model ${best}`),
    });
  }
  if (state === 'queued' && facts.queued) return line('queued', facts.queued, {});
  return null;
}
