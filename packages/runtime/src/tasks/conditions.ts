import { existsSync } from 'node:fs';
import { holdsSlot, isFinalState, type TaskState } from '@dispatch/core';
import { type DerivedTask, type TaskView, toTaskView } from '@dispatch/ipc-fs';
import type { AlternativesLookup } from '../config/alternatives.js';
import { recoveryLine } from './failure-report.js';

/** The kinds of notable condition `wait` reports, in the order it reports simultaneous ones. */
// not task states: the types of wait --json lines (four share a state's name)
export const CONDITION_TYPES = ['question', 'blocked', 'failed', 'completed', 'cancelled'] as const;

/** One notable condition. */
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Fields every `wait --json` line has (docs/events.md, "wait --json lines"). */
interface ConditionBase {
  v: 1;
  id: string;
  state: TaskState;
  progress: { done: number; total: number };
  /** Absolute path of output.md when the worker wrote one. */
  output: string | null;
}

/** A `wait --json` line: a task's first notable condition and what a host needs to act on it. */
export type Condition =
  | (ConditionBase & { type: 'question'; seq: number; text: string })
  /** `kind` and `message` when it is blocked on a limit it reached (`budget`, `time-limit`), not a question. */
  | (ConditionBase & { type: 'blocked'; seq: number | null; text: string; kind?: string; message?: string })
  | (ConditionBase & { type: 'failed'; kind: string; message: string; alternatives: string[] })
  | (ConditionBase & { type: 'completed' | 'cancelled' });

/** What a blocked or failed task waits on: its pending question, else its first [?] item's question. */
export function blockerOf(view: TaskView): { seq: number | null; text: string } | null {
  if (view.question) return view.question;
  const item = view.items.find((i) => i.mark === 'blocked');
  // The reference worker writes `> **Blocker:** QUESTION` under the item.
  return item ? { seq: null, text: (item.note ?? item.text).replace(/^\*\*Blocker:\*\*\s*/, '') } : null;
}

/**
 * The notable condition a task is in, or null while it is just working. A question counts while
 * it is pending; `alternatives` is asked for only when the task failed.
 */
export async function conditionOf(derived: DerivedTask, alternatives: AlternativesLookup): Promise<Condition | null> {
  const view = toTaskView(derived);
  // Built as `{v, type, id, ...}` so the line reads well in a terminal and a log.
  const base = <T extends ConditionType>(type: T) => ({
    v: 1 as const,
    type,
    id: view.id,
    state: view.state,
    progress: view.progress,
    output: existsSync(derived.paths.output) ? derived.paths.output : null,
  });
  const { state } = view;
  const limit = view.error?.kind === 'budget' || view.error?.kind === 'time-limit' ? view.error : null;
  if (state === 'blocked' && limit !== null)
    return { ...base('blocked'), seq: null, text: limit.message, kind: limit.kind, message: limit.message };
  if (state === 'blocked')
    return { ...base('blocked'), ...(blockerOf(view) ?? { seq: null, text: 'the worker stopped at a [?] item' }) };
  if (state === 'failed') {
    const error = view.error ?? { kind: 'crash', message: 'the task failed' };
    return {
      ...base('failed'),
      kind: error.kind,
      message: error.message,
      alternatives: await alternatives([...derived.context.modelsTried, view.model], error.kind),
    };
  }
  if (isFinalState(state)) return base(state === 'completed' ? 'completed' : 'cancelled');
  // A question counts while this attempt's worker may still read the answer; queued or recovering,
  // a question left from an earlier attempt is superseded.
  return holdsSlot(state) && view.question
    ? { ...base('question'), seq: view.question.seq, text: view.question.text }
    : null;
}

/** The condition in one human line: `security-review asks #1: JWT or sessions?`. */
export function describeCondition(c: Condition): string {
  const progress = `${c.progress.done}/${c.progress.total}`;
  switch (c.type) {
    case 'question':
      return `${c.id} asks #${c.seq}: ${c.text}`;
    case 'blocked':
      return `${c.id} is blocked${c.seq === null ? '' : ` on #${c.seq}`}: ${c.text}`;
    case 'failed':
      return recoveryLine(c.id, c.kind, c.message, c.alternatives);
    case 'completed':
      return `${c.id} completed (${progress})${c.output === null ? '' : `: ${c.output}`}`;
    case 'cancelled':
      return `${c.id} was cancelled (${progress} done)`;
  }
}
