import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveTask } from '@dispatch/runtime';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** A project folder with its own `.dispatch` (so no stray parent captures it). */
function project(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dispatch-${name}-`));
  mkdirSync(join(dir, '.dispatch'));
  return dir;
}

describe('dispatch -C DIR', () => {
  it('runs as if started in DIR: a command, a bare prompt; a missing DIR and a -C after the command are refused', async () => {
    const w = e2eWorkspace('dir-option');
    const { DISPATCH_DIR: _pinned, ...env } = w.env; // the workspace comes from the folder, as for users
    const there = project('dir-there');
    const here = project('dir-here');
    const inHere = (args: string[]) =>
      execa('node', [bin, ...args], { cwd: here, env, extendEnv: false, reject: false });

    const started = await inHere(['-C', there, '--model', 'sim', '--id', 'remote', '--step', 'x', 'do x']);
    expect(started.exitCode, started.stderr).toBe(0);
    await until(async () => (await deriveTask(join(there, '.dispatch'), 'remote')).state === 'completed');
    const status = await inHere(['-C', there, 'status', '--json']);
    expect((JSON.parse(status.stdout) as { id: string }[]).map((t) => t.id)).toEqual(['remote']);
    expect(JSON.parse((await inHere(['status', '--json'])).stdout)).toEqual([]);

    const missing = await inHere(['-C', join(here, 'nope'), 'status']);
    expect([missing.exitCode, missing.stderr]).toEqual([2, `dispatch: -C ${join(here, 'nope')}: no such directory`]);
    const late = await inHere(['status', '-C', there]);
    expect([late.exitCode, late.stderr.split('\n').length]).toEqual([2, 1]);
    expect(late.stderr).toMatch(/unknown option '-C'/);
  });

  it("the inbox's line for another workspace prints a command that works from here", async () => {
    const w = e2eWorkspace('dir-inbox');
    const { DISPATCH_DIR: _pinned, ...env } = w.env;
    const there = project('dir-inbox-there');
    const here = project('dir-inbox-here');
    const inHere = (args: string[]) =>
      execa('node', [bin, ...args], { cwd: here, env, extendEnv: false, reject: false });
    const asked = await execa(
      'node',
      [bin, 'run', '--model', 'sim', '--id', 'elsewhere', '--step', 'x {ask: Which port?}', 'x'],
      { cwd: there, env, extendEnv: false, reject: false },
    );
    expect(asked.exitCode, asked.stderr).toBe(0);
    await until(async () => String((await inHere(['inbox'])).stdout).includes('Which port?'));

    const line = String((await inHere(['inbox'])).stdout).trimEnd();
    expect(line).toMatch(/^\? elsewhere asks #1 .*: Which port\? — dispatch -C \S+ answer elsewhere "…"$/);
    // Without -C, here is the wrong workspace: the command as it used to be printed fails.
    expect((await inHere(['answer', 'elsewhere', '8080'])).exitCode).toBe(2);
    const command = line.slice(line.indexOf('— dispatch ') + '— dispatch '.length).replace('"…"', '8080');
    const answered = await inHere(command.split(' '));
    expect(answered.exitCode, answered.stderr).toBe(0);
    await until(async () => (await deriveTask(join(there, '.dispatch'), 'elsewhere')).state === 'completed');
  });
});
