import type { WriteOptions } from './atomic-write.js';
import { writeAnswer } from './questions.js';
import { writeRequest } from './requests.js';
import type { DerivedTask } from './task-state.js';

/** What answering did: published the oldest pending question's answer, or continued a blocked task. */
export type AnswerOutcome =
  | { kind: 'answered'; seq: number }
  /** `request`: the name of the `continue` request written, for a caller that waits until it is applied. */
  | { kind: 'continued'; request: string };

/** Why task `derived` has nothing to answer (one line for the user), or null when it has. */
export function answerRefusal(derived: DerivedTask): string | null {
  const { context } = derived;
  const limit = limitBlock(derived);
  if (limit !== null) return limit;
  if (context.questions[0] || derived.state === 'blocked') return null;
  const last = Math.max(0, ...context.asked);
  // The loser of a race that looked after the winner's answer was recorded hears the same.
  const why = context.answered.includes(last)
    ? `question ${last} of ${derived.task.id} is already answered`
    : `task ${derived.task.id} has no question to answer`;
  return `${why} (it is ${derived.state})`;
}

/**
 * Why a task blocked on a limit it reached (its budget, its time limit) takes no answer — raising
 * the limit is the way on — with the command that does it; null for any other task.
 */
export function limitBlock(derived: DerivedTask): string | null {
  const { error } = derived.context;
  if (derived.state !== 'blocked' || (error?.kind !== 'budget' && error?.kind !== 'time-limit')) return null;
  const id = derived.task.id;
  const how =
    error.kind === 'budget'
      ? `dispatch continue ${id} --budget-usd N (N: the new limit in US dollars)`
      : `dispatch continue ${id} --time-limit S (S: the new limit in seconds)`;
  const what = error.kind === 'budget' ? 'its budget' : 'its time limit';
  return `task ${id} is blocked on ${what}, not on a question: raise it with ${how}`;
}

/**
 * Answers the task's oldest pending question by publishing `ipc/NNN.answer` exclusively (of two
 * racing answerers one wins; the other gets `IpcError('answer-exists')`), or — for a blocked task
 * with no pending question — writes a `continue` request carrying the answer. Check
 * `answerRefusal` first. The CLI's `answer` and the inspector both answer through it.
 * @example await answerTask(derived, 'Use JWT') // { kind: 'answered', seq: 1 }
 */
export async function answerTask(
  derived: DerivedTask,
  text: string,
  options: Pick<WriteOptions, 'beforePublish'> = {},
): Promise<AnswerOutcome> {
  const question = derived.context.questions[0];
  if (question) {
    await writeAnswer(derived.paths.ipc, question.seq, text, options);
    return { kind: 'answered', seq: question.seq };
  }
  const request = await writeRequest(derived.paths.requests, { type: 'continue', answer: text });
  return { kind: 'continued', request };
}
