import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, type E2eWorkspace } from './e2e-workspace.js';
import { git, gitWorkspace, worktreeTask } from './git-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const branches = async (w: E2eWorkspace) =>
  (await git(w.dir, 'branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();
const tasks = (w: E2eWorkspace) => readdirSync(join(w.dispatchDir, 'tasks')).sort();
const worktrees = (w: E2eWorkspace) => readdirSync(join(w.dispatchDir, 'worktrees')).sort();

describe('worktree work is never lost (issue 16)', () => {
  it('clean keeps a worktree task with unmerged commits or uncommitted changes, and removes the others whole', async () => {
    const w = await gitWorkspace('wt-clean');
    await worktreeTask(w, 'merged', 'add a {write: a.txt}{commit}');
    expect((await w.dispatch(['merge', 'merged'])).exitCode).toBe(0);
    await worktreeTask(w, 'unmerged', 'add b {write: b.txt}{commit}');
    await worktreeTask(w, 'dirty', 'add c {write: c.txt}');
    await worktreeTask(w, 'idle', 'look around');
    expect(await branches(w)).toEqual([
      'dispatch/dirty',
      'dispatch/idle',
      'dispatch/merged',
      'dispatch/unmerged',
      'main',
    ]);
    // Worktree and branch removed by hand: the task's record of them is stale, nothing is left to keep.
    await worktreeTask(w, 'byhand', 'add d {write: d.txt}{commit}');
    await git(w.dir, 'worktree', 'remove', '--force', join(w.dispatchDir, 'worktrees/byhand'));
    await git(w.dir, 'branch', '-D', 'dispatch/byhand');

    for (const args of [[], ['--finished'], ['--all']]) {
      const kept = await gitWorkspace('wt-clean-kept');
      await worktreeTask(kept, 'unmerged', 'add b {write: b.txt}{commit}');
      await worktreeTask(kept, 'dirty', 'add c {write: c.txt}');
      const r = await kept.dispatch(['clean', ...args]);
      expect([args, r.exitCode, r.stdout]).toEqual([args, 0, 'nothing to clean']);
      expect(r.stderr.split('\n').sort()).toEqual([
        'kept dirty: its worktree has uncommitted changes (dispatch merge dirty keeps it, or dispatch discard dirty --force)',
        'kept unmerged: dispatch/unmerged has 1 commit not merged into main (dispatch merge unmerged keeps it, or dispatch discard unmerged --force)',
      ]);
      expect(tasks(kept)).toEqual(['dirty', 'unmerged']);
      expect(worktrees(kept)).toEqual(['dirty', 'unmerged']);
    }

    const json = await w.dispatch(['clean', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      removed: ['byhand', 'idle', 'merged'],
      kept: [
        { id: 'dirty', why: 'its worktree has uncommitted changes' },
        { id: 'unmerged', why: 'dispatch/unmerged has 1 commit not merged into main' },
      ],
    });
    // A removed task goes with its worktree and branch: never one without the other.
    expect(tasks(w)).toEqual(['dirty', 'unmerged']);
    expect(worktrees(w)).toEqual(['dirty', 'unmerged']);
    expect(await branches(w)).toEqual(['dispatch/dirty', 'dispatch/unmerged', 'main']);

    const refused = await w.dispatch(['clean', 'unmerged']);
    expect([refused.exitCode, refused.stderr]).toEqual([
      2,
      'dispatch: task unmerged is kept: dispatch/unmerged has 1 commit not merged into main; dispatch merge unmerged keeps it, or clean it with --force',
    ]);
    expect(tasks(w)).toEqual(['dirty', 'unmerged']);
    const tip = await git(w.dir, 'rev-parse', 'dispatch/unmerged');
    const forced = await w.dispatch(['clean', 'unmerged', '--force']);
    expect([forced.exitCode, forced.stdout]).toEqual([
      0,
      `removed unmerged (completed) with its worktree and branch dispatch/unmerged (was ${tip.slice(0, 7)})`,
    ]);
    expect(tasks(w)).toEqual(['dirty']);
    expect(await branches(w)).toEqual(['dispatch/dirty', 'main']);
    const both = await w.dispatch(['clean', '--all', '--force']);
    expect([both.exitCode, both.stderr]).toEqual([
      2,
      'dispatch: --force goes with one task ID: dispatch clean ID --force',
    ]);
  });

  it('discard refuses unmerged work without --force and changes nothing; with --force it prints the sha to recover it', async () => {
    const w = await gitWorkspace('wt-discard');
    await worktreeTask(w, 'work', 'add b {write: b.txt}{commit}', 'add c {write: c.txt}');
    const before = await git(w.dir, 'rev-parse', 'dispatch/work');
    const refused = await w.dispatch(['discard', 'work']);
    expect([refused.exitCode, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      'dispatch: task work has unsaved work: dispatch/work has 1 commit not merged into main, and its worktree has uncommitted changes; dispatch merge work keeps it, dispatch discard work --force throws it away',
    ]);
    expect(await git(w.dir, 'rev-parse', 'dispatch/work')).toBe(before);
    expect(readFileSync(join(w.dispatchDir, 'worktrees/work/c.txt'), 'utf8')).toBe('add c\n');
    expect(existsSync(join(w.dispatchDir, 'tasks/work/worktree.json'))).toBe(true);

    const forced = await w.dispatch(['discard', 'work', '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const out = JSON.parse(forced.stdout) as { id: string; state: string; branch: string; was: string };
    expect(out).toEqual({
      id: 'work',
      state: 'completed',
      branch: 'dispatch/work',
      was: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    // Everything the task did, uncommitted changes included, is in that commit.
    expect(await git(w.dir, 'show', `${out.was}:b.txt`)).toBe('add b');
    expect(await git(w.dir, 'show', `${out.was}:c.txt`)).toBe('add c');
    expect(await branches(w)).toEqual(['main']);
    expect(existsSync(join(w.dispatchDir, 'worktrees/work'))).toBe(false);

    // A failed task cannot be merged yet: the refusal points at its diff instead.
    await worktreeTask(w, 'broke', 'add e {write: e.txt}{commit}', 'then {fail: tests are red}');
    expect(await w.state('broke')).toBe('failed');
    expect((await w.dispatch(['discard', 'broke'])).stderr).toBe(
      'dispatch: task broke has unsaved work: dispatch/broke has 1 commit not merged into main; dispatch diff broke shows it, dispatch discard broke --force throws it away',
    );

    await worktreeTask(w, 'plain', 'add d {write: d.txt}{commit}');
    expect((await w.dispatch(['merge', 'plain'])).exitCode).toBe(0);
    const tip = await git(w.dir, 'rev-parse', '--short', 'dispatch/plain');
    const merged = await w.dispatch(['discard', 'plain']);
    expect([merged.exitCode, merged.stdout]).toEqual([
      0,
      `discarded ${join(w.dispatchDir, 'worktrees/plain')} and branch dispatch/plain (was ${tip})`,
    ]);
  });

  it('merge says "no changes" for a task that changed nothing and "already merged" the second time, leaving git as is', async () => {
    const w = await gitWorkspace('wt-merge');
    await worktreeTask(w, 'idle', 'look around');
    const head = await git(w.dir, 'rev-parse', 'HEAD');
    const idle = await w.dispatch(['merge', 'idle']);
    expect([idle.exitCode, idle.stdout]).toEqual([
      0,
      'no changes: task idle changed nothing, so there is nothing to merge; dispatch discard idle removes its worktree',
    ]);
    expect(await git(w.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(JSON.parse((await w.dispatch(['merge', 'idle', '--json'])).stdout)).toEqual({
      id: 'idle',
      state: 'completed',
      branch: 'dispatch/idle',
      result: 'no-changes',
      head,
    });

    await worktreeTask(w, 'feat', 'add b {write: b.txt}{commit}');
    const first = await w.dispatch(['merge', 'feat', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const merged = await git(w.dir, 'rev-parse', 'HEAD');
    expect(merged).not.toBe(head);
    expect(JSON.parse(first.stdout)).toEqual({
      id: 'feat',
      state: 'completed',
      branch: 'dispatch/feat',
      result: 'merged',
      head: merged,
    });
    const second = await w.dispatch(['merge', 'feat']);
    expect([second.exitCode, second.stdout]).toEqual([
      0,
      `already merged: dispatch/feat is in main (${merged.slice(0, 7)}); dispatch discard feat removes its worktree`,
    ]);
    expect(await git(w.dir, 'rev-parse', 'HEAD')).toBe(merged);
  });
});
