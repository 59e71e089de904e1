import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { e2eWorkspace, until, type E2eWorkspace } from './e2e-workspace.js';

/** git in `cwd`; its stdout. */
export const git = async (cwd: string, ...args: string[]) => String((await execa('git', args, { cwd })).stdout);

/** A test workspace that is a git repository on `main` with one commit (README.md). */
export async function gitWorkspace(name: string): Promise<E2eWorkspace> {
  const w = e2eWorkspace(name);
  await git(w.dir, 'init', '-q', '-b', 'main');
  await git(w.dir, 'config', 'user.email', 'me@example.com');
  await git(w.dir, 'config', 'user.name', 'Me');
  writeFileSync(join(w.dir, 'README.md'), '# project\n');
  await git(w.dir, 'add', '-A');
  await git(w.dir, 'commit', '-q', '-m', 'first');
  return w;
}

/** Runs a task of the sim worker with `steps` (and `extra` options) and waits until it has ended. */
export async function simTask(w: E2eWorkspace, id: string, steps: string[], ...extra: string[]): Promise<void> {
  const r = await w.dispatch(['run', '--model', 'sim', '--id', id, ...extra, ...steps.flatMap((s) => ['--step', s])]);
  expect(r.exitCode, r.stderr).toBe(0);
  await until(async () => ['completed', 'failed', 'blocked'].includes(await w.state(id)));
}

/** `simTask` in a worktree (`run --worktree`). */
export const worktreeTask = (w: E2eWorkspace, id: string, ...steps: string[]) => simTask(w, id, steps, '--worktree');
