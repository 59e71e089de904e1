import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TaskPaths, type TaskWorktree, writeTaskWorktree } from '@dispatch/ipc-fs';
import { usageError } from '../errors.js';
import { git } from './git.js';

/**
 * Adds a git worktree for task `id` on a new branch `dispatch/<id>` from `base` (default HEAD),
 * in `.dispatch/worktrees/<id>` (kept out of git by the workspace's exclude), and records it in
 * the task folder. The main tree, and any uncommitted change in it, is not touched.
 */
export async function createTaskWorktree(
  repo: string,
  dispatchDir: string,
  paths: Pick<TaskPaths, 'id' | 'dir'>,
  base = 'HEAD',
): Promise<TaskWorktree> {
  const baseCommit = (
    await git(repo, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]).catch(() => {
      throw usageError(`--base ${base}: not a commit in ${repo}`, 'invalid-input');
    })
  ).trim();
  const branch = `dispatch/${paths.id}`;
  const path = join(dispatchDir, 'worktrees', paths.id);
  await mkdir(dirname(path), { recursive: true });
  await git(repo, ['worktree', 'add', '--quiet', '-b', branch, path, baseCommit]);
  const worktree = { repo, path, branch, base, baseCommit };
  await writeTaskWorktree(paths, worktree);
  return worktree;
}
