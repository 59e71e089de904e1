import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FINAL_STATES } from '@dispatch/core';
import { deriveTaskState, listTaskIds, taskPaths, writeRequest } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);
const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 20_000, interval: 25 });

/** A temp workspace with its own DISPATCH_HOME, and dispatch run there (the built binary). */
function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-logs-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISPATCH_HOME: mkdtempSync(join(tmpdir(), 'dispatch-logs-home-')),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
  };
  const dispatchDir = join(dir, '.dispatch');
  const dispatch = (args: string[]) => execa('node', [bin, ...args], { cwd: dir, reject: false, extendEnv: false, env });
  const state = async (id: string) => (await deriveTaskState(dispatchDir, id)).state;
  const start = async (id: string, ...steps: string[]) => {
    const r = await dispatch(['run', '--model', 'sim', '--id', id, ...steps.flatMap((s) => ['--step', s]), `task ${id}`]);
    expect(r.exitCode, r.stderr).toBe(0);
  };
  return { dir, env, dispatchDir, dispatch, state, start };
}
type Workspace = ReturnType<typeof workspace>;
const made: Workspace[] = [];
const newWorkspace = () => (made.push(workspace()), made.at(-1)!);

/** Cancels what is still live, then stops the daemon, so no worker outlives the test. */
afterEach(async () => {
  for (const ws of made.splice(0)) {
    const ids = await listTaskIds(ws.dispatchDir);
    for (const id of ids) if (!FINAL_STATES.includes(await ws.state(id))) await writeRequest(taskPaths(ws.dispatchDir, id).requests, { type: 'cancel' });
    await ws.dispatch(['daemon', 'start']); // a test that failed half-way may have left none to apply them
    await until(async () => (await Promise.all(ids.map(ws.state))).every((s) => FINAL_STATES.includes(s)));
    await ws.dispatch(['daemon', 'stop']);
  }
});

describe('dispatch logs', () => {
  it('prints worker.log as it is', async () => {
    const ws = newWorkspace();
    await ws.start('logged', 'One', 'Two');
    await until(() => ws.state('logged').then((s) => s === 'completed'));
    const r = await ws.dispatch(['logs', 'logged']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(`sim-worker: working on ${taskPaths(ws.dispatchDir, 'logged').plan}\nsim-worker: all items done`);
  });

  it('-f follows the log until the worker is done, then exits by itself', async () => {
    const ws = newWorkspace();
    await ws.start('slow', 'Think {sleep: 1}', 'Break {fail: disk full}');
    const r = await ws.dispatch(['logs', 'slow', '-f']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('sim-worker: working on');
    expect(r.stdout).toMatch(/sim-worker: error: disk full$/);
    expect(await ws.state('slow')).toBe('failed');
  });

  it('-f on a task waiting for an answer keeps following until Ctrl-C', async () => {
    const ws = newWorkspace();
    await ws.start('asking', 'Ask {ask: Which region?}');
    await until(() => ws.state('asking').then((s) => s === 'awaiting-answer'));
    const following = execa('node', [bin, 'logs', 'asking', '--follow'], { cwd: ws.dir, reject: false, extendEnv: false, env: ws.env });
    let out = '';
    following.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await until(() => out.includes('asked question 001'));
    expect(following.exitCode ?? null).toBeNull(); // a live worker: it did not stop by itself
    following.kill('SIGINT');
    expect((await following).exitCode).toBe(0);
  });
});

describe('dispatch result', () => {
  it('without output.md: a summary of the plan, marks, notes and progress; --json too', async () => {
    const ws = newWorkspace();
    await ws.start('partial', 'Scan', 'Break {fail: the API key is missing}', 'Report');
    await until(() => ws.state('partial').then((s) => s === 'failed'));
    const r = await ws.dispatch(['result', 'partial']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')).toEqual([
      'task partial (partial): failed, 1/3 done',
      expect.stringMatching(/^error \(plan-error\): /),
      '  [x] Scan — done by the sim worker',
      '  [!] Break',
      '      Error: the API key is missing',
      '  [ ] Report',
    ]);
    const json = JSON.parse((await ws.dispatch(['result', 'partial', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ id: 'partial', state: 'failed', output: null, text: null, progress: { done: 1, total: 3 }, error: { kind: 'plan-error' } });
    expect((json.items as { mark: string }[]).map((i) => i.mark)).toEqual(['done', 'error', 'pending']);
  });

  it('with output.md: its text, verbatim; --json gives its path and text', async () => {
    const ws = newWorkspace();
    await ws.start('reviewed', 'Review');
    await until(() => ws.state('reviewed').then((s) => s === 'completed'));
    const output = taskPaths(ws.dispatchDir, 'reviewed').output;
    writeFileSync(output, '# Findings\n\n- no hardcoded secrets\n');
    const r = await ws.dispatch(['result', 'reviewed']);
    expect([r.exitCode, r.stdout]).toEqual([0, '# Findings\n\n- no hardcoded secrets']);
    const json = JSON.parse((await ws.dispatch(['result', 'reviewed', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ state: 'completed', output, text: '# Findings\n\n- no hardcoded secrets\n' });
  });

  it('logs and result of an unknown task exit 2 with one line', async () => {
    const ws = newWorkspace();
    for (const args of [['logs', 'ghost'], ['logs', 'ghost', '-f'], ['result', 'ghost'], ['result', 'Bad Id']]) {
      const r = await ws.dispatch(args);
      expect([r.exitCode, r.stdout, r.stderr.split('\n').length], args.join(' ')).toEqual([2, '', 1]);
    }
  });
});
