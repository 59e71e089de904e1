import { answerRefusal, answerTask as publishAnswer, IpcError } from '@dispatch/ipc-fs';
import type { TaskState } from '@dispatch/core';
import type { Caller } from '../caller.js';
import { crashPoint } from '../daemon/crash-points.js';
import { usageError } from '../errors.js';
import { requestApplied } from '../tasks/request-applied.js';
import { deriveTask } from '../tasks/task-list.js';
import { loadHostedTask } from '../tasks/find-task.js';
import { adoptCallerEnv } from '../config/stored-env.js';
import { ensureDaemonFor, workspaceOf } from '../workspace.js';

/** What `answer --json` prints: the task's state after the answer, and which question it answered (null: a blocked `[?]` item). */
export interface AnswerResult {
  id: string;
  state: TaskState;
  question: number | null;
  /** `answered`: a waiting worker got it; `continued`: a blocked task goes on with it. */
  outcome: 'answered' | 'continued';
}

/**
 * `--question N`: the answer is meant for question N, so it must be the one waiting — not one
 * answered meanwhile by someone else, whose answer would then go to the next question.
 */
function expectPending(id: string, pending: number | undefined, wanted: number): void {
  if (!Number.isInteger(wanted) || wanted <= 0)
    throw usageError(`--question: a question number, not ${JSON.stringify(String(wanted))}`, 'invalid-input');
  if (pending === wanted) return;
  const now = pending === undefined ? 'no question is waiting' : `question ${pending} is waiting`;
  throw usageError(
    `question ${wanted} of ${id} is not waiting for an answer (${now}): nothing was answered`,
    'invalid-input',
  );
}

/**
 * `dispatch answer ID TEXT [--question N]`: answers the task's oldest pending question by
 * publishing `ipc/NNN.answer` (exclusively: of two racing answerers one wins). A blocked task
 * whose worker gave up is continued by the answer: the daemon starts the next worker when it sees
 * it, or, for a `[?]` item with no question file, when it applies the `continue` request written here.
 */
export async function answerTask(
  caller: Caller,
  rawId: string,
  text: string,
  options: { question?: number } = {},
): Promise<AnswerResult> {
  const { ref, derived } = await loadHostedTask(caller, rawId);
  const refusal = answerRefusal(derived);
  if (refusal !== null) throw usageError(refusal, 'invalid-input');
  const pending = derived.context.questions[0]?.seq;
  if (options.question !== undefined) expectPending(ref.id, pending, options.question);
  if (text.trim() === '') throw usageError('the answer is empty', 'invalid-input');
  // An answer to a blocked task starts its next worker: with this caller's environment, as `continue`.
  if (derived.state === 'blocked') await adoptCallerEnv(caller.env, workspaceOf(caller).home, ref);
  let outcome;
  try {
    outcome = await publishAnswer(derived, text, { beforePublish: () => crashPoint('before-answer-published') });
  } catch (err) {
    if (err instanceof IpcError && err.code === 'answer-exists')
      throw usageError(`question ${pending} of ${ref.id} is already answered`, 'answer-exists');
    throw err;
  }
  await ensureDaemonFor(caller);
  // A blocked task goes on when the daemon applies the `continue` request: wait for it (bounded), as
  // `continue` does, so a `wait` right after sees the task going on, not the block just answered.
  if (outcome.kind === 'continued') await requestApplied(ref.paths.requests, outcome.request);
  const after = await deriveTask(ref.dispatchDir, ref.id);
  return outcome.kind === 'answered'
    ? { id: ref.id, state: after.state, question: outcome.seq, outcome: 'answered' }
    : { id: ref.id, state: after.state, question: null, outcome: 'continued' };
}
