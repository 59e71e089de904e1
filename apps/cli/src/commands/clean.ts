import { listTaskIds, removeTask, sweepRemovedTasks } from '@dispatch/ipc-fs';
import { findTask, livenessOf, usageError, waitingDependents, workspaceOf } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import type { Io } from '../io.js';

/** `clean ID`: the one task, refused while it is live. */
async function cleanOne(io: Io, id: string): Promise<void> {
  const ref = await findTask(io, id);
  const { state, keep, dependents } = await livenessOf(ref);
  if (dependents)
    throw usageError(
      `task ${ref.id} is kept: ${keep}; ${state === 'failed' ? 'retry it, or ' : ''}cancel them first: dispatch cancel ${dependents[0]}`,
      'invalid-input',
    );
  if (keep !== null)
    throw usageError(`task ${ref.id} is live (${keep}); cancel it first: dispatch cancel ${ref.id}`, 'invalid-input');
  await removeTask(ref.home, ref.dispatchDir, ref.id);
  io.out(`removed ${ref.id} (${state})\n`);
}

/**
 * `dispatch clean [ID | --finished | --all]`: removes task folders and their registrations, never
 * a live task. `--finished` (also the default) removes completed and cancelled tasks; `--all`
 * every task that is not live. Kept live tasks are named on stderr, with why.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const id = ctx.args.id as string | undefined;
  const all = ctx.options.all === true;
  if ([id !== undefined, all, ctx.options.finished === true].filter(Boolean).length > 1)
    throw usageError('give one of ID, --finished or --all');
  if (id !== undefined) return cleanOne(io, id);

  const { dispatchDir } = workspaceOf(io);
  let removed = 0;
  const now = Date.now();
  const waiting = await waitingDependents(dispatchDir, now);
  for (const taskId of await listTaskIds(dispatchDir)) {
    const ref = await findTask(io, taskId).catch(() => null);
    if (ref === null) continue; // no task.json: not a task (or one `run` is still creating)
    const { state, keep } = await livenessOf(ref, now, waiting);
    if (keep !== null) {
      io.err(`kept ${ref.id}: ${keep}\n`);
      continue;
    }
    if (!all && state !== 'completed' && state !== 'cancelled') continue;
    await removeTask(ref.home, ref.dispatchDir, ref.id);
    io.out(`removed ${ref.id} (${state})\n`);
    removed++;
  }
  await sweepRemovedTasks(dispatchDir);
  if (removed === 0) io.out('nothing to clean\n');
}
