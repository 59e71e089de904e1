import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TaskPaths, writeFileAtomic } from '@dispatch/ipc-fs';
import { usageError } from '../errors.js';
import { git } from './git.js';

/** `worktree.json` in a task folder: where its worker works, on which branch, from which base. */
export interface TaskWorktree {
  /** The main repository's top folder. */
  repo: string;
  path: string;
  branch: string;
  /** The ref as given (`HEAD` by default) and the commit it named when the task was created. */
  base: string;
  baseCommit: string;
}

const fileOf = (paths: Pick<TaskPaths, 'dir'>) => join(paths.dir, 'worktree.json');

/** The task's worktree, or null for a task that runs in the workspace itself. */
export function readTaskWorktree(paths: Pick<TaskPaths, 'dir'>): TaskWorktree | null {
  const file = fileOf(paths);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TaskWorktree) : null;
}

/**
 * Adds a git worktree for task `id` on a new branch `dispatch/<id>` from `base` (default HEAD),
 * in `.dispatch/worktrees/<id>` (kept out of git by the workspace's exclude), and records it in
 * the task folder. The main tree, and any uncommitted change in it, is not touched.
 */
export async function createTaskWorktree(repo: string, dispatchDir: string, paths: Pick<TaskPaths, 'id' | 'dir'>, base = 'HEAD'): Promise<TaskWorktree> {
  const baseCommit = (await git(repo, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]).catch(() => {
    throw usageError(`--base ${base}: not a commit in ${repo}`, 'invalid-input');
  })).trim();
  const branch = `dispatch/${paths.id}`;
  const path = join(dispatchDir, 'worktrees', paths.id);
  await mkdir(dirname(path), { recursive: true });
  await git(repo, ['worktree', 'add', '--quiet', '-b', branch, path, baseCommit]);
  const worktree = { repo, path, branch, base, baseCommit };
  await writeFileAtomic(fileOf(paths), `${JSON.stringify(worktree, null, 2)}\n`);
  return worktree;
}
