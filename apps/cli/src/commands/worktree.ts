import { isLive } from '@dispatch/core';
import {
  discardWorktree,
  dispatchWorktree,
  loadHostedTask,
  mergeWorktree,
  usageError,
  worktreeDiff,
} from '@dispatch/runtime';
import { removeTaskWorktree, type TaskWorktree } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';

async function taskWithWorktree(ctx: CommandContext) {
  const { ref, derived } = await loadHostedTask(ctx.io, String(ctx.args.id ?? ''));
  const wt = await dispatchWorktree(ref.dispatchDir, ref.paths);
  if (wt === null)
    throw usageError(
      `task ${ref.id} has no worktree (it ran in the workspace itself, or was discarded)`,
      'invalid-input',
    );
  return { ref, derived, wt };
}

/** `dispatch diff ID [--stat]`: the task's change against its base, new files included. */
export async function diff(ctx: CommandContext): Promise<void> {
  const { wt } = await taskWithWorktree(ctx);
  ctx.io.out(await worktreeDiff(wt, { stat: ctx.options.stat === true }));
}

/** `dispatch merge ID`: the task's branch merged into the current branch, or a clear refusal. */
export async function merge(ctx: CommandContext): Promise<void> {
  const { ref, derived, wt } = await taskWithWorktree(ctx);
  if (derived.state !== 'completed')
    throw usageError(
      `task ${ref.id} is ${derived.state}: merge it once it has completed (dispatch diff ${ref.id} shows it so far)`,
      'invalid-input',
    );
  const head = await mergeWorktree(wt, derived.task.title);
  ctx.io.out(
    `merged ${wt.branch} into the current branch (${head}); dispatch discard ${ref.id} removes the worktree\n`,
  );
}

/** `dispatch discard ID`: the task's worktree and branch removed. */
export async function discard(ctx: CommandContext): Promise<void> {
  const { ref, derived, wt } = await taskWithWorktree(ctx);
  if (isLive(derived.state))
    throw usageError(
      `task ${ref.id} is ${derived.state}: its worker may still work there; cancel it first`,
      'invalid-input',
    );
  await discardWorktree(wt as TaskWorktree);
  await removeTaskWorktree(ref.paths);
  ctx.io.out(`discarded ${wt.path} and branch ${wt.branch}\n`);
}
