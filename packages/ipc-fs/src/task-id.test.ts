import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import { assertTaskId, findDispatchDir, findGitTop, isValidTaskId, IpcError, taskPaths } from './index.js';

describe('task ids', () => {
  it.each(['security-review', 'a', '0', 'fix-123', 'a'.repeat(64), '9-lives', 'a--b'])('accepts %j', (id) => {
    expect(isValidTaskId(id)).toBe(true);
    expect(assertTaskId(id)).toBe(id);
  });

  it.each([
    '',
    '-leading-dash',
    'Upper',
    'a'.repeat(65),
    '../etc',
    'a/b',
    'a b',
    'a;rm -rf ~',
    '$(touch pwned)',
    '`id`',
    'a\nb',
    'é',
    '.hidden',
    'a_b',
  ])('refuses %j with a clear error', (id) => {
    expect(isValidTaskId(id)).toBe(false);
    expect(() => assertTaskId(id)).toThrow(IpcError);
    expect(() => assertTaskId(id)).toThrow(/invalid task id .*lowercase letters, digits and dashes/);
  });

  it('never builds a path for an invalid id', () => {
    expect(() => taskPaths('/w/.dispatch', '../../etc')).toThrow(/invalid task id/);
    expect(taskPaths('/w/.dispatch', 'ok').plan).toBe('/w/.dispatch/tasks/ok/plan.md');
  });
});

describe('findDispatchDir', () => {
  it('prefers $DISPATCH_DIR', () => {
    expect(findDispatchDir('/anywhere', { DISPATCH_DIR: '/x/.dispatch' })).toBe('/x/.dispatch');
  });

  it('finds the nearest ancestor .dispatch up to the git top, else the git top', async () => {
    const repo = await tempDir();
    await mkdir(join(repo, '.git'));
    await writeFile(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await mkdir(join(repo, 'pkg', 'src'), { recursive: true });
    const env = { DISPATCH_HOME: join(repo, 'home') };
    expect(findDispatchDir(join(repo, 'pkg', 'src'), env)).toBe(join(repo, '.dispatch'));
    await mkdir(join(repo, 'pkg', '.dispatch'));
    expect(findDispatchDir(join(repo, 'pkg', 'src'), env)).toBe(join(repo, 'pkg', '.dispatch'));
  });

  it('takes a .git file (a worktree) as a repository, and an empty .git folder as none, as git does', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'wt', 'src'), { recursive: true });
    await writeFile(join(dir, 'wt', '.git'), 'gitdir: /elsewhere/.git/worktrees/wt\n');
    expect(findGitTop(join(dir, 'wt', 'src'))).toBe(join(dir, 'wt'));
    await mkdir(join(dir, 'stray', '.git'), { recursive: true }); // what codex's sandbox leaves in /tmp
    await mkdir(join(dir, 'stray', 'ws'));
    expect(findGitTop(join(dir, 'stray', 'ws'))).toBeUndefined();
  });

  it('outside git walks up to the nearest .dispatch, skipping DISPATCH_HOME', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.dispatch'));
    await mkdir(join(dir, 'notes', 'sub'), { recursive: true });
    const cwd = join(dir, 'notes', 'sub');
    expect(findDispatchDir(cwd, { DISPATCH_HOME: '/nowhere' })).toBe(join(dir, '.dispatch'));
    expect(findDispatchDir(cwd, { DISPATCH_HOME: join(dir, '.dispatch') })).toBe(join(cwd, '.dispatch'));
  });

  it('an empty DISPATCH_HOME means the default, not the current directory', async () => {
    const dir = await tempDir();
    expect(findDispatchDir(dir, { DISPATCH_HOME: '' })).toBe(join(dir, '.dispatch'));
  });

  it('recognises DISPATCH_HOME through a symlink', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'real-home'));
    await symlink(join(dir, 'real-home'), join(dir, '.dispatch'));
    expect(() => findDispatchDir(dir, { DISPATCH_HOME: join(dir, 'real-home') })).toThrow(/is DISPATCH_HOME/);
  });

  it('refuses to make DISPATCH_HOME a workspace', async () => {
    const dir = await tempDir();
    expect(() => findDispatchDir(dir, { DISPATCH_HOME: join(dir, '.dispatch') })).toThrow(
      /is DISPATCH_HOME, not a workspace/,
    );
  });
});
