import type { TaskState } from '@dispatch/core';
import { limitBlock, refusalOf, type TaskRequest, writeRequest } from '@dispatch/ipc-fs';
import type { Caller } from '../caller.js';
import { checkModelOption } from '../config/model-option.js';
import { adoptCallerEnv } from '../config/stored-env.js';
import { usageError } from '../errors.js';
import { loadHostedTask } from '../tasks/find-task.js';
import { requestApplied } from '../tasks/request-applied.js';
import { deriveTask } from '../tasks/task-list.js';
import { ensureDaemonFor, workspaceOf } from '../workspace.js';

/** What `cancel`, `note`, `continue` and `retry` print with `--json`: the task's state after the request. */
export interface RequestResult {
  id: string;
  state: TaskState;
  /** The model the next worker runs (`continue`, `retry`). */
  model?: string;
  /** False when the daemon had not applied the request within 10 s (it still will). */
  applied: boolean;
}

/**
 * Writes `request` for the daemon after checking that it applies to the task's state, makes sure
 * the daemon runs, and waits (bounded) until it was applied, so a `status` right after sees it.
 */
async function send(caller: Caller, rawId: string, request: TaskRequest): Promise<RequestResult> {
  const { ref, derived } = await loadHostedTask(caller, rawId);
  const refusal = refusalOf(request.type, ref.id, derived.snapshot);
  if (refusal !== null) throw usageError(refusal, 'invalid-input');
  // The next worker gets this caller's environment (a CLI installed since, a new PATH), cut to
  // the allow-list as `run` stores it; written before the request, which makes the daemon reread it.
  if (request.type === 'retry' || request.type === 'continue')
    await adoptCallerEnv(caller.env, workspaceOf(caller).home, ref);
  const name = await writeRequest(ref.paths.requests, request);
  await ensureDaemonFor(caller);
  const applied = await requestApplied(ref.paths.requests, name);
  const after = await deriveTask(ref.dispatchDir, ref.id);
  // The model the next worker runs, as the task chose it (retry and continue only).
  const model = request.type === 'retry' || request.type === 'continue' ? { model: after.snapshot.context.model } : {};
  return { id: ref.id, state: after.state, ...model, applied };
}

/** `dispatch cancel ID`: stop the worker's whole process group; the task ends cancelled. */
export function cancelTask(caller: Caller, id: string): Promise<RequestResult> {
  return send(caller, id, { type: 'cancel' });
}

/** `dispatch note ID TEXT`: a dispatcher note appended to the plan, for the worker to read. */
export function noteTask(caller: Caller, id: string, text: string): Promise<RequestResult> {
  if (text.trim() === '') throw usageError('the note is empty', 'invalid-input');
  return send(caller, id, { type: 'note', text: text.trim() });
}

/** What `continue` is given: the answer to the `[?]` item, another model, raised limits. */
export interface ContinueOptions {
  answer?: string | undefined;
  model?: string | undefined;
  /** Seconds the next attempt may run (a task blocked on its time limit). */
  timeLimit?: number | undefined;
  /** US dollars the next worker may spend (a task blocked on its budget). */
  budgetUsd?: number | undefined;
}

/**
 * `dispatch continue ID [--answer TEXT] [--model M] [--time-limit S] [--budget-usd N]`: a new
 * worker goes on from where the last stopped — the `[?]` item (with the answer), or the limit it
 * reached (raised) — resuming its session; on a task waiting for its quota, now instead of at the reset.
 */
export async function continueTask(caller: Caller, id: string, options: ContinueOptions): Promise<RequestResult> {
  const { answer, timeLimit, budgetUsd } = options;
  if (answer !== undefined && answer.trim() === '') throw usageError('--answer: the answer is empty', 'invalid-input');
  if (timeLimit !== undefined && !(Number.isInteger(timeLimit) && timeLimit > 0))
    throw usageError('--time-limit: a positive number of seconds', 'invalid-input');
  if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd > 0))
    throw usageError('--budget-usd: a spend limit in US dollars, more than 0', 'invalid-input');
  const model = await checkModelOption(caller, options.model);
  const { derived } = await loadHostedTask(caller, id);
  // A `[?]` item waits for its answer; a limit reached or a quota wait needs none.
  const onQuestion = derived.state === 'blocked' && limitBlock(derived) === null;
  if (answer === undefined && onQuestion)
    throw usageError(
      `task ${derived.task.id} is blocked on a question: give the answer with --answer TEXT (or: dispatch answer ${derived.task.id} TEXT)`,
      'invalid-input',
    );
  return send(caller, id, {
    type: 'continue',
    ...(answer !== undefined && { answer }),
    ...(model !== undefined && { model }),
    ...(timeLimit !== undefined && { timeLimit }),
    ...(budgetUsd !== undefined && { budgetUsd }),
  });
}

/**
 * `dispatch retry ID [--model M]`: re-run a failed task from its first open item, with the same
 * model unless another is named (the same model named again is the same model).
 */
export async function retryTask(
  caller: Caller,
  id: string,
  options: { model?: string | undefined } = {},
): Promise<RequestResult> {
  const model = await checkModelOption(caller, options.model);
  const { derived } = await loadHostedTask(caller, id);
  const other = model !== undefined && model !== derived.context.model ? model : undefined;
  return send(caller, id, { type: 'retry', ...(other !== undefined && { model: other }) });
}
