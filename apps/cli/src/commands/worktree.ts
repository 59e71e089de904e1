import { isLive } from '@dispatch/core';
import {
  describeUnsavedWork,
  discardWorktree,
  dispatchWorktree,
  gitTerminalDiff,
  loadHostedTask,
  mergeWorktree,
  unsavedWork,
  usageError,
  worktreeDiff,
} from '@dispatch/runtime';
import { removeTaskWorktree } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { page } from '../pager.js';
import { keepIt } from '../worktree-hint.js';

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

/**
 * `dispatch diff ID [--stat] [--no-pager]`: the task's change against its base, new files
 * included. On a terminal it is shown as git would show it — coloured as git's color.diff /
 * color.ui say (never with NO_COLOR), through git's pager; piped, plain.
 */
export async function diff(ctx: CommandContext): Promise<void> {
  const { ref, wt } = await taskWithWorktree(ctx);
  // outColumns is set only when stdout is a terminal.
  const tty = ctx.io.outColumns !== undefined;
  const git = tty ? await gitTerminalDiff(wt) : { color: false, pager: null };
  const text = await worktreeDiff(wt, { stat: ctx.options.stat === true, color: ctx.io.outColor && git.color });
  if (text === '') {
    ctx.io.err(`no changes: task ${ref.id} changed nothing since ${wt.baseCommit.slice(0, 7)}\n`);
    return;
  }
  const shown = text.endsWith('\n') ? text : `${text}\n`;
  if (ctx.options.pager !== false && git.pager !== null && (await page(shown, git.pager, ctx.io.env))) return;
  ctx.io.out(shown);
}

/** `dispatch merge ID`: the task's branch merged into the current branch, "no changes", "already merged", or a clear refusal. */
export async function merge(ctx: CommandContext): Promise<void> {
  const { ref, derived, wt } = await taskWithWorktree(ctx);
  if (derived.state !== 'completed')
    throw usageError(
      `task ${ref.id} is ${derived.state}: merge it once it has completed (dispatch diff ${ref.id} shows it so far)`,
      'invalid-input',
    );
  const { result, head, into } = await mergeWorktree(wt, derived.task.title);
  if (ctx.options.json === true) {
    printJson(ctx.io, { id: ref.id, state: derived.state, branch: wt.branch, result, head });
    return;
  }
  const short = head.slice(0, 7);
  const then = `dispatch discard ${ref.id} removes its worktree`;
  ctx.io.out(
    result === 'no-changes'
      ? `no changes: task ${ref.id} changed nothing, so there is nothing to merge; ${then}\n`
      : result === 'already-merged'
        ? `already merged: ${wt.branch} is in ${into} (${short}); ${then}\n`
        : `merged ${wt.branch} into ${into} (${short}); ${then}\n`,
  );
}

/**
 * `dispatch discard ID [--force]`: the task's worktree and branch removed. Work that nothing else
 * holds (commits not merged, uncommitted changes) is refused without --force; with it, the
 * commit the branch was at is printed, as `git branch -D` does, to recover it.
 */
export async function discard(ctx: CommandContext): Promise<void> {
  const { ref, derived, wt } = await taskWithWorktree(ctx);
  if (isLive(derived.state))
    throw usageError(
      `task ${ref.id} is ${derived.state}: its worker may still work there; cancel it first`,
      'invalid-input',
    );
  const unsaved = ctx.options.force === true ? null : await unsavedWork(wt);
  if (unsaved !== null)
    throw usageError(
      `task ${ref.id} has unsaved work: ${describeUnsavedWork(wt, unsaved)}; ${keepIt(ref.id, derived.state)}, dispatch discard ${ref.id} --force throws it away`,
      'invalid-input',
    );
  const was = await discardWorktree(wt);
  await removeTaskWorktree(ref.paths);
  if (ctx.options.json === true) printJson(ctx.io, { id: ref.id, state: derived.state, branch: wt.branch, was });
  else ctx.io.out(`discarded ${wt.path} and branch ${wt.branch} (was ${was.slice(0, 7)})\n`);
}
