import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { readTaskWorktree, type TaskPaths, type TaskWorktree, writeTaskWorktree } from '@dispatch/ipc-fs';
import { usageError } from '../errors.js';
import { git, gitStatus } from './git.js';

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

const COMMIT = /^[0-9a-f]{7,64}$/;

/**
 * Task `id`'s worktree as `worktree.json` records it — only if dispatch made it: the branch
 * `dispatch/<id>`, at `<dispatchDir>/worktrees/<id>`, which git lists as a worktree of that repository
 * on that branch, from a base that is a commit id. `diff`, `merge` and `discard` run git with
 * these values (`discard` force-removes and deletes): a record naming anything else is refused,
 * never acted on. Null when the task has no worktree.
 */
export async function dispatchWorktree(
  dispatchDir: string,
  paths: Pick<TaskPaths, 'id' | 'dir'>,
): Promise<TaskWorktree | null> {
  const wt = readTaskWorktree(paths);
  if (wt === null) return null;
  const refuse = (why: string) =>
    usageError(
      `${join(paths.dir, 'worktree.json')}: ${why}; dispatch acts only on worktrees it made`,
      'untrusted-worktree',
    );
  const expected = { branch: `dispatch/${paths.id}`, path: join(dispatchDir, 'worktrees', paths.id) };
  if (typeof wt !== 'object' || typeof wt.repo !== 'string' || !isAbsolute(wt.repo)) throw refuse('no repository');
  if (wt.branch !== expected.branch) throw refuse(`branch ${JSON.stringify(wt.branch)} is not ${expected.branch}`);
  if (wt.path !== expected.path) throw refuse(`worktree ${JSON.stringify(wt.path)} is not ${expected.path}`);
  if (typeof wt.baseCommit !== 'string' || !COMMIT.test(wt.baseCommit)) throw refuse('the base is not a commit id');
  const listed = await gitStatus(wt.repo, ['worktree', 'list', '--porcelain']);
  const entries = listed.code === 0 ? listed.stdout.split('\n\n') : [];
  const ours = entries.some((e) => {
    const lines = e.split('\n');
    const at = [`worktree ${wt.path}`, `worktree ${realOr(wt.path)}`];
    return at.some((l) => lines.includes(l)) && lines.includes(`branch refs/heads/${wt.branch}`);
  });
  if (!ours) throw refuse(`git lists no worktree ${wt.path} on ${wt.branch} in ${wt.repo}`);
  return wt;
}

/** `path` with symlinks resolved (git lists real paths), or as is when it cannot be. */
function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
