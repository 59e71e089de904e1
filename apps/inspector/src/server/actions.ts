import {
  answerRefusal,
  answerTask,
  type DerivedTask,
  IpcError,
  refusalOf,
  type TaskRequest,
  writeRequest,
} from '@dispatch/ipc-fs';
import type { ActionBody, TaskDetailResponse } from '../shared/api-types.js';
import { asksToRaise, describeRaise, raiseOf } from './limit-raise.js';

/** What the page may ask of a task, as the CLI's commands of the same names. */
export const ACTIONS = ['answer', 'note', 'continue', 'retry', 'cancel'] as const;

/** One of `ACTIONS`. */
export type ActionName = (typeof ACTIONS)[number];

/** Model choices for retry and continue (from the user's config). */
export type ModelChoices = TaskDetailResponse['models'];

/** How a retry repairs the config: the same flags as `dispatch retry`. */
export interface Repair {
  setDefault: boolean;
  removeFailed: boolean;
}

/** What the host supplies: starting the daemon (which applies requests) and the config's models. */
export interface ActionHost {
  ensureDaemon(): Promise<unknown>;
  models(): Promise<ModelChoices>;
  /**
   * Repairs the config before a retry as `dispatch retry --set-default/--remove-failed` does
   * (throwing its refusal); returns what changed. Without it the page cannot repair.
   */
  repairConfig?(repair: Repair, chosen: string | undefined, failed: string): Promise<string | null>;
  /**
   * Gives the task's next worker the host's environment (as `dispatch retry` gives the caller's):
   * called before a retry, a continue or an answer to a blocked task. Without it the stored one stays.
   */
  adoptEnvironment?(derived: DerivedTask): Promise<void>;
}

/** An action's outcome: an HTTP status and one line for the user. */
export interface ActionOutcome {
  status: number;
  ok: boolean;
  message: string;
}

const refused = (status: number, message: string): ActionOutcome => ({ status, ok: false, message });

function textOf(body: ActionBody, what: string): string | ActionOutcome {
  const text = typeof body.text === 'string' ? body.text.replace(/\r?\n$/, '') : '';
  return text.trim() === '' ? refused(400, `the ${what} is empty`) : text;
}

/** A chosen model must be one the config offers (or the task's own); undefined keeps the task's. */
async function modelOf(
  body: ActionBody,
  derived: DerivedTask,
  host: ActionHost,
): Promise<string | undefined | ActionOutcome> {
  if (body.model === undefined || body.model === '' || body.model === derived.snapshot.context.model) return undefined;
  const known = (await host.models()).some((m) => m.model === body.model);
  return known
    ? body.model
    : refused(400, `model ${JSON.stringify(body.model)} is not in the config (dispatch config show lists them)`);
}

const isOutcome = (v: unknown): v is ActionOutcome => typeof v === 'object' && v !== null && 'status' in v;

/** The request an action writes, or its refusal; `answer` publishes the answer itself. */
async function perform(
  action: ActionName,
  derived: DerivedTask,
  body: ActionBody,
  host: ActionHost,
): Promise<ActionOutcome> {
  const id = derived.task.id;
  if (action === 'answer') {
    const refusal = answerRefusal(derived);
    if (refusal !== null) return refused(409, refusal);
    const text = textOf(body, 'answer');
    if (isOutcome(text)) return text;
    if (derived.state === 'blocked') await host.adoptEnvironment?.(derived);
    try {
      const outcome = await answerTask(derived, text);
      return {
        status: 200,
        ok: true,
        message:
          outcome.kind === 'answered'
            ? `answered #${outcome.seq} of ${id}`
            : `answered the blocked item of ${id}; continuing`,
      };
    } catch (err) {
      if (err instanceof IpcError && err.code === 'answer-exists')
        return refused(409, `question ${derived.snapshot.context.questions[0]?.seq} of ${id} is already answered`);
      throw err;
    }
  }
  const refusal = refusalOf(action, id, derived.snapshot);
  if (refusal !== null) return refused(409, refusal);
  let request: TaskRequest;
  let line: string;
  if (action === 'note') {
    const text = textOf(body, 'note');
    if (isOutcome(text)) return text;
    [request, line] = [{ type: 'note', text: text.trim() }, `note sent to ${id}`];
  } else if (action === 'cancel') {
    [request, line] = [{ type: 'cancel' }, `cancelling ${id}`];
  } else {
    const model = await modelOf(body, derived, host);
    if (isOutcome(model)) return model;
    const withModel = model === undefined ? '' : ` with ${model}`;
    if (action === 'retry') {
      const repair = { setDefault: body.setDefault === true, removeFailed: body.removeFailed === true };
      let said: string | null = null;
      if (repair.setDefault || repair.removeFailed) {
        if (!host.repairConfig) return refused(400, 'this inspector cannot edit the config');
        try {
          said = await host.repairConfig(repair, model, derived.snapshot.context.model);
        } catch (err) {
          return refused(409, err instanceof Error ? err.message : String(err));
        }
      }
      [request, line] = [
        { type: 'retry', ...(model !== undefined && { model }) },
        `retrying ${id}${withModel}${said ? `; config: ${said}` : ''}`,
      ];
    } else if (asksToRaise(body)) {
      // A limit reached takes no answer: the raised limit is the way on.
      const raise = raiseOf(body, derived);
      if ('status' in raise) return refused(raise.status, raise.message);
      [request, line] = [
        { type: 'continue', ...raise, ...(model !== undefined && { model }) },
        `continuing ${id}${withModel}: ${describeRaise(raise)}`,
      ];
    } else {
      const answer = textOf(body, 'answer');
      if (isOutcome(answer)) return answer;
      [request, line] = [
        { type: 'continue', answer, ...(model !== undefined && { model }) },
        `continuing ${id}${withModel}`,
      ];
    }
  }
  if (request.type === 'retry' || request.type === 'continue') await host.adoptEnvironment?.(derived);
  await writeRequest(derived.paths.requests, request);
  return { status: 200, ok: true, message: line };
}

/**
 * Applies a page's action to a task exactly as the CLI's command does — the same state rules
 * (`refusalOf`, `answerRefusal`), the same writers (`answerTask`, `writeRequest`) — then makes
 * sure the daemon runs to apply it. Only tasks dispatch created (registered) are acted on.
 */
export async function applyAction(
  action: ActionName,
  derived: DerivedTask,
  registered: boolean,
  body: ActionBody,
  host: ActionHost,
): Promise<ActionOutcome> {
  if (!registered)
    return refused(
      409,
      `task ${derived.task.id} was not created by dispatch run here (not registered), so dispatch does not run it`,
    );
  const outcome = await perform(action, derived, body, host);
  if (outcome.ok) await host.ensureDaemon();
  return outcome;
}
