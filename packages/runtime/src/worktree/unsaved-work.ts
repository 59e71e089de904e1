import type { TaskWorktree } from '@dispatch/ipc-fs';
import { git, gitStatus } from './git.js';

/** What removing a task's worktree and branch would lose. */
export interface UnsavedWork {
  /** Commits of the task's branch in neither the main checkout's HEAD, nor the branch's upstream. */
  commits: number;
  /** Changed or new files in the worktree that no commit holds. */
  uncommitted: boolean;
  /** What the commits were checked against: the main checkout's branch (or `HEAD` when detached). */
  into: string;
}

/** The main checkout's branch name, or `HEAD` when it is detached. */
export async function currentBranch(repo: string): Promise<string> {
  const r = await gitStatus(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return r.code === 0 ? r.stdout.trim() : 'HEAD';
}

/**
 * What the task's worktree holds that nothing else does, or null when it can go — `git branch
 * -d`'s check (merged into HEAD or the branch's upstream), counting only the task's own commits
 * (after its base), plus uncommitted changes, which `git worktree remove` would throw away too.
 */
export async function unsavedWork(wt: TaskWorktree): Promise<UnsavedWork | null> {
  const upstream = await gitStatus(wt.repo, ['rev-parse', '--verify', '--quiet', `${wt.branch}@{upstream}`]);
  const saved = ['HEAD', wt.baseCommit, ...(upstream.code === 0 ? [upstream.stdout.trim()] : [])];
  const count = await git(wt.repo, ['rev-list', '--count', wt.branch, '--not', ...saved]);
  const status = await gitStatus(wt.path, ['status', '--porcelain']);
  // A worktree git cannot read (its folder gone) holds nothing more than its branch.
  const uncommitted = status.code === 0 && status.stdout.trim() !== '';
  const commits = Number(count.trim());
  if (commits === 0 && !uncommitted) return null;
  return { commits, uncommitted, into: await currentBranch(wt.repo) };
}

/** `unsaved` in words: "dispatch/x has 2 commits not merged into main, and its worktree has uncommitted changes". */
export function describeUnsavedWork(wt: Pick<TaskWorktree, 'branch'>, unsaved: UnsavedWork): string {
  const parts = [
    ...(unsaved.commits > 0
      ? [
          `${wt.branch} has ${unsaved.commits} commit${unsaved.commits === 1 ? '' : 's'} not merged into ${unsaved.into}`,
        ]
      : []),
    ...(unsaved.uncommitted ? ['its worktree has uncommitted changes'] : []),
  ];
  return parts.join(', and ');
}
