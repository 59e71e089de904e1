import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces } from './e2e-workspace.js';
import { git, gitWorkspace, simTask, worktreeTask } from './git-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

describe('the sim worker writes and commits (issue 16)', () => {
  it('{write: PATH} and {commit} work in the worktree, on its branch only', async () => {
    const w = await gitWorkspace('sim-write');
    await worktreeTask(w, 'notes', 'add notes {write: docs/notes.md}{commit}', 'draft more {write: draft.txt}');
    expect(await w.state('notes')).toBe('completed');
    const tree = join(w.dispatchDir, 'worktrees/notes');
    expect(readFileSync(join(tree, 'docs/notes.md'), 'utf8')).toBe('add notes\n');
    expect(readFileSync(join(tree, 'draft.txt'), 'utf8')).toBe('draft more\n');
    expect(await git(w.dir, 'log', '--format=%s', 'dispatch/notes')).toBe('add notes\nfirst');
    expect(await git(tree, 'status', '--porcelain')).toBe('?? draft.txt');
    expect(existsSync(join(w.dir, 'docs'))).toBe(false);
    expect(await git(w.dir, 'status', '--porcelain')).toBe('');
  });

  it('a path leaving the working directory (.., absolute, a symlink, .git) fails the item and writes nothing', async () => {
    const w = await gitWorkspace('sim-hostile');
    const outside = mkdtempSync(join(tmpdir(), 'dispatch-sim-outside-'));
    symlinkSync(outside, join(w.dir, 'out'));
    for (const [id, path] of [
      ['dotdot', '../escaped.txt'],
      ['absolute', `${outside}/abs.txt`],
      ['symlink', 'out/linked.txt'],
      ['deep', 'a/../../escaped.txt'],
      ['hooks', '.git/hooks/pre-commit'],
    ] as const) {
      await simTask(w, id, [`write it {write: ${path}}`]);
      const view = JSON.parse(String((await w.dispatch(['status', id, '--json'])).stdout)) as {
        state: string;
        items: { mark: string }[];
      };
      expect([id, view.state, view.items[0]?.mark]).toEqual([id, 'failed', 'error']);
      expect(readFileSync(join(w.dispatchDir, 'tasks', id, 'plan.md'), 'utf8')).toMatch(/Error: \{write: /);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(w.dir, '..', 'escaped.txt'))).toBe(false);
    expect(existsSync(join(w.dir, '.git/hooks/pre-commit'))).toBe(false);
  });
});
