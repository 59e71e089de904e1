import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createTaskWorktree } from './task-worktree.js';
import { describeUnsavedWork, unsavedWork } from './unsaved-work.js';

const git = async (cwd: string, ...args: string[]) => String((await execa('git', args, { cwd })).stdout);

/** A repository on main with one commit, and task `t`'s worktree made from it. */
async function repoWithTask() {
  const repo = mkdtempSync(join(tmpdir(), 'dispatch-unsaved-'));
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.email', 'me@example.com');
  await git(repo, 'config', 'user.name', 'Me');
  writeFileSync(join(repo, 'README.md'), '# project\n');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'first');
  const dispatchDir = join(repo, '.dispatch');
  const dir = join(dispatchDir, 'tasks', 't');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(repo, '.git/info/exclude'), '.dispatch/\n');
  const wt = await createTaskWorktree(repo, dispatchDir, { id: 't', dir });
  const commit = async (file: string) => {
    writeFileSync(join(wt.path, file), `${file}\n`);
    await git(wt.path, 'add', '-A');
    await git(wt.path, 'commit', '-q', '-m', file);
  };
  return { repo, wt, commit };
}

describe('unsavedWork', () => {
  it('counts only the task’s own commits: a main checkout moved to a branch without the base owes nothing', async () => {
    const { repo, wt } = await repoWithTask();
    expect(await unsavedWork(wt)).toBeNull();
    await git(repo, 'checkout', '-q', '--orphan', 'elsewhere');
    await git(repo, 'commit', '-q', '--allow-empty', '-m', 'unrelated');
    expect(await unsavedWork(wt)).toBeNull();
  });

  it('commits not merged, then merged into HEAD, or pushed to the branch’s upstream', async () => {
    const { repo, wt, commit } = await repoWithTask();
    await commit('a.txt');
    await commit('b.txt');
    const unsaved = await unsavedWork(wt);
    expect(unsaved).toEqual({ commits: 2, uncommitted: false, into: 'main' });
    expect(describeUnsavedWork(wt, unsaved!)).toBe('dispatch/t has 2 commits not merged into main');
    // The branch's upstream holds them (as `git branch -d` accepts): nothing is lost.
    await git(repo, 'remote', 'add', 'origin', join(repo, 'no-such-remote'));
    await git(repo, 'update-ref', 'refs/remotes/origin/t', wt.branch);
    await git(repo, 'branch', '-q', `--set-upstream-to=origin/t`, wt.branch);
    expect(await unsavedWork(wt)).toBeNull();
    await commit('c.txt');
    expect((await unsavedWork(wt))?.commits).toBe(1);
    await git(repo, 'merge', '-q', '--no-edit', wt.branch);
    expect(await unsavedWork(wt)).toBeNull();
  });

  it('uncommitted changes, new files included, count; ignored files do not', async () => {
    const { repo, wt } = await repoWithTask();
    writeFileSync(join(wt.path, '.gitignore'), 'node_modules/\n');
    const unsaved = await unsavedWork(wt);
    expect(unsaved).toEqual({ commits: 0, uncommitted: true, into: 'main' });
    expect(describeUnsavedWork(wt, unsaved!)).toBe('its worktree has uncommitted changes');
    await git(wt.path, 'add', '-A');
    await git(wt.path, 'commit', '-q', '-m', 'ignore node_modules');
    await git(repo, 'merge', '-q', '--no-edit', wt.branch);
    mkdirSync(join(wt.path, 'node_modules'));
    writeFileSync(join(wt.path, 'node_modules/dep.js'), 'installed by worktree_setup\n');
    expect(await unsavedWork(wt)).toBeNull();
  });
});
