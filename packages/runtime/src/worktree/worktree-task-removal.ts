import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findGitTop, removeTask, removeTaskWorktree, type TaskWorktree } from '@dispatch/ipc-fs';
import type { TaskRef } from '../tasks/find-task.js';
import { gitStatus } from './git.js';
import { dispatchWorktree } from './task-worktree.js';
import { describeUnsavedWork, unsavedWork } from './unsaved-work.js';
import { discardWorktree } from './worktree-actions.js';

/** Whether removing a task would lose work in its worktree: why it is kept (null when it may go). */
export interface WorktreeKeep {
  worktree: TaskWorktree | null;
  keep: string | null;
  /** True when `keep` is unsaved work that `--force` may throw away (not a record dispatch did not make). */
  forceable: boolean;
}

/**
 * What `clean` must know about a task's worktree before removing the task: a worktree with
 * commits not merged or uncommitted changes keeps it (its branch would go too), and so does a
 * worktree.json naming a worktree dispatch did not make (never acted on, never orphaned).
 */
export async function worktreeKeepOf(ref: TaskRef): Promise<WorktreeKeep> {
  let worktree: TaskWorktree | null;
  try {
    worktree = await dispatchWorktree(ref.dispatchDir, ref.paths);
  } catch (err) {
    if (await gone(ref)) return { worktree: null, keep: null, forceable: false };
    return { worktree: null, keep: (err as Error).message, forceable: false };
  }
  if (worktree === null) return { worktree, keep: null, forceable: false };
  const unsaved = await unsavedWork(worktree);
  return { worktree, keep: unsaved && describeUnsavedWork(worktree, unsaved), forceable: unsaved !== null };
}

/**
 * Whether git holds nothing of the task any more: no folder where its worktree was and no branch
 * `dispatch/<id>` (removed by hand, or by a clean killed before it removed the task's record).
 * Only reads; the task folder may then go alone.
 */
async function gone(ref: TaskRef): Promise<boolean> {
  if (existsSync(join(ref.dispatchDir, 'worktrees', ref.id))) return false;
  const repo = findGitTop(ref.dispatchDir);
  if (!repo) return true;
  return (await gitStatus(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/dispatch/${ref.id}`])).code !== 0;
}

/**
 * Removes a task with its worktree and branch, never one without the other: git's side first,
 * then the record of it, then the task folder. Returns the commit the branch was at, if any.
 */
export async function removeTaskWithWorktree(ref: TaskRef, worktree: TaskWorktree | null): Promise<string | null> {
  const was = worktree === null ? null : await discardWorktree(worktree);
  if (worktree !== null) await removeTaskWorktree(ref.paths);
  await removeTask(ref.home, ref.dispatchDir, ref.id);
  return was;
}
