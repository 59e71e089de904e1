import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DispatchError } from '../errors.js';
import { git, gitStatus } from './git.js';
import { currentBranch } from './unsaved-work.js';
import type { TaskWorktree } from '@dispatch/ipc-fs';

/** Git options that give dispatch's commits an author when the user has none configured. */
async function identity(repo: string): Promise<string[]> {
  const email = await gitStatus(repo, ['config', 'user.email']);
  return email.code === 0 && email.stdout.trim() !== ''
    ? []
    : ['-c', 'user.name=dispatch', '-c', 'user.email=dispatch@localhost'];
}

/**
 * The task's change against its base: what its branch committed plus what its worktree holds
 * uncommitted, new files included — read through a temporary index, so nothing is staged.
 * As git prints it (final newline kept); coloured only when `color` says so.
 */
export async function worktreeDiff(
  wt: TaskWorktree,
  options: { stat?: boolean; color?: boolean } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dispatch-diff-'));
  try {
    const index = join(dir, 'index');
    const env = { GIT_INDEX_FILE: index };
    const { execa } = await import('execa');
    const run = (args: string[]) =>
      execa('git', args, {
        cwd: wt.path,
        env: { ...process.env, ...env },
        reject: false,
        stdin: 'ignore',
        stripFinalNewline: false,
      });
    await run(['read-tree', 'HEAD']);
    await run(['add', '-A']);
    const color = options.color === true ? '--color=always' : '--no-color';
    const r = await run(['diff', '--cached', color, ...(options.stat ? ['--stat'] : []), wt.baseCommit]);
    if (r.exitCode !== 0) throw new DispatchError('failure', `git diff: ${String(r.stderr).trim().split('\n').at(-1)}`);
    return String(r.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * How git would show a diff on a terminal in the worktree's repository: whether in colour
 * (color.diff, else color.ui: `git config --get-colorbool`) and through which pager (GIT_PAGER,
 * core.pager, PAGER, else less: `git var GIT_PAGER`; none when that is empty or `cat`).
 */
export async function gitTerminalDiff(wt: TaskWorktree): Promise<{ color: boolean; pager: string | null }> {
  const color = await gitStatus(wt.path, ['config', '--get-colorbool', 'color.diff', 'true']);
  const pager = await gitStatus(wt.path, ['var', 'GIT_PAGER']);
  const command = pager.code === 0 ? pager.stdout.trim() : 'less';
  return { color: color.stdout.trim() === 'true', pager: command === '' || command === 'cat' ? null : command };
}

/** Commits what the worker left uncommitted in its worktree, on its branch. True when there was something. */
export async function commitWorktree(wt: TaskWorktree, message: string): Promise<boolean> {
  if ((await git(wt.path, ['status', '--porcelain'])).trim() === '') return false;
  await git(wt.path, ['add', '-A']);
  await git(wt.path, [...(await identity(wt.repo)), 'commit', '--quiet', '--no-verify', '-m', message]);
  return true;
}

/** What `merge` did: merged the branch, or found nothing to merge. `head`: the main checkout's commit after it. */
export interface MergeOutcome {
  result: 'merged' | 'no-changes' | 'already-merged';
  head: string;
  /** The branch merged into (`HEAD` when the main checkout is detached). */
  into: string;
}

/**
 * Merges the task's branch into the main tree's current branch — or refuses, leaving everything
 * as it was: on a conflict (found beforehand with `merge-tree`, which touches nothing), or when
 * the merge would overwrite a modified or untracked file (git refuses before changing anything).
 * Unrelated untracked files are no obstacle. A branch with no commit of its own (the task changed
 * nothing), or one HEAD already holds, is said as such and git is left as it is.
 */
export async function mergeWorktree(wt: TaskWorktree, title: string): Promise<MergeOutcome> {
  await commitWorktree(wt, `dispatch: ${title}`);
  const into = await currentBranch(wt.repo);
  const head = async () => (await git(wt.repo, ['rev-parse', 'HEAD'])).trim();
  if (Number((await git(wt.repo, ['rev-list', '--count', `${wt.baseCommit}..${wt.branch}`])).trim()) === 0)
    return { result: 'no-changes', head: await head(), into };
  if ((await gitStatus(wt.repo, ['merge-base', '--is-ancestor', wt.branch, 'HEAD'])).code === 0)
    return { result: 'already-merged', head: await head(), into };
  const trial = await gitStatus(wt.repo, [
    'merge-tree',
    '--write-tree',
    '--name-only',
    '--no-messages',
    'HEAD',
    wt.branch,
  ]);
  if (trial.code === 1) {
    const files = trial.stdout.trim().split('\n').slice(1).filter(Boolean);
    throw new DispatchError(
      'failure',
      `merging ${wt.branch} would conflict in ${files.join(', ') || 'some files'}: nothing was changed; resolve it by hand (git merge ${wt.branch}) or discard the task`,
    );
  }
  if (trial.code !== 0)
    throw new DispatchError('failure', `git merge-tree: ${trial.stderr.trim().split('\n').at(-1) ?? 'failed'}`);
  const merge = await gitStatus(wt.repo, [
    ...(await identity(wt.repo)),
    'merge',
    '--no-ff',
    '--no-edit',
    '-m',
    `Merge ${wt.branch}: ${title}`,
    wt.branch,
  ]);
  if (merge.code !== 0) {
    const lines = `${merge.stderr}\n${merge.stdout}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const files = lines.filter((l) => !/^(error|hint|Please|Aborting|Merge with strategy)/.test(l) && !l.endsWith(':'));
    const why = /untracked working tree files/.test(merge.stderr) ? 'untracked files' : 'uncommitted changes';
    throw new DispatchError(
      'failure',
      `merging ${wt.branch} would overwrite ${why} in the main tree (${files.join(', ')}): nothing was changed; commit or move them first`,
    );
  }
  return { result: 'merged', head: await head(), into };
}

/**
 * Removes the task's worktree and its branch; returns the commit the branch was at (as `git
 * branch -D` prints it), which holds everything the task did: uncommitted changes are committed
 * on the branch first, so that commit recovers them too (`git branch NAME <sha>`).
 */
export async function discardWorktree(wt: TaskWorktree): Promise<string> {
  // A worktree git cannot read any more (its folder gone) has nothing uncommitted to keep.
  await commitWorktree(wt, `dispatch: what ${wt.branch} left uncommitted, when discarded`).catch(() => false);
  const was = (await git(wt.repo, ['rev-parse', '--verify', `${wt.branch}^{commit}`])).trim();
  await gitStatus(wt.repo, ['worktree', 'remove', '--force', wt.path]);
  await gitStatus(wt.repo, ['worktree', 'prune']);
  await git(wt.repo, ['branch', '-D', wt.branch]);
  return was;
}
