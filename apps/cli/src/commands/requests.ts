import { refusalOf } from '@dispatch/ipc-fs/request-rules';
import { writeRequest, type TaskRequest } from '@dispatch/ipc-fs/requests';
import { usageError } from '../cli-error.js';
import type { CommandContext } from '../command-spec.js';
import { loadHostedTask } from '../task-access/find-task.js';
import { checkModelOption } from '../task-access/model-option.js';
import { requestApplied } from '../task-access/request-applied.js';
import { ensureDaemonFor } from '../workspace.js';

/**
 * Writes `request` for the daemon after checking that it applies to the task's state, makes sure
 * the daemon runs, and prints `line`. The daemon applies it, records it and removes the file.
 */
async function send(ctx: CommandContext, request: TaskRequest, line: (id: string) => string): Promise<void> {
  const { ref, derived } = await loadHostedTask(ctx.io, String(ctx.args.id ?? ''));
  const refusal = refusalOf(request.type, ref.id, derived.state);
  if (refusal !== null) throw usageError(refusal, 'invalid-input');
  const name = await writeRequest(ref.paths.requests, request);
  await ensureDaemonFor(ctx.io);
  const applied = await requestApplied(ref.paths.requests, name);
  ctx.io.out(`${line(ref.id)}${applied ? '' : ' (the daemon has not applied it yet; it will)'}\n`);
}

const withModel = (model: string | undefined) => (model === undefined ? '' : ` with ${model}`);

/** `dispatch cancel ID`: stop the worker's whole process group; the task ends cancelled. */
export async function cancel(ctx: CommandContext): Promise<void> {
  await send(ctx, { type: 'cancel' }, (id) => `cancelling ${id}`);
}

/** `dispatch note ID TEXT`: a dispatcher note appended to the plan, for the worker to read. */
export async function note(ctx: CommandContext): Promise<void> {
  const text = ((ctx.args.text as string[] | undefined) ?? []).join(' ').trim();
  if (text === '') throw usageError('the note is empty', 'invalid-input');
  await send(ctx, { type: 'note', text }, (id) => `note sent to ${id}`);
}

/** `dispatch continue ID --answer TEXT [--model M]`: a new worker goes on from the `[?]` item. */
export async function continueTask(ctx: CommandContext): Promise<void> {
  const answer = String(ctx.options.answer ?? '');
  if (answer.trim() === '') throw usageError('--answer: the answer is empty', 'invalid-input');
  const model = await checkModelOption(ctx.io, ctx.options.model);
  await send(ctx, { type: 'continue', answer, ...(model !== undefined && { model }) }, (id) => `continuing ${id}${withModel(model)}`);
}
