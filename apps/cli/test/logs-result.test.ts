import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskPaths } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);

cleanUpWorkspaces();
const newWorkspace = () => e2eWorkspace('logs');

describe('dispatch logs', () => {
  it('prints worker.log as it is', async () => {
    const ws = newWorkspace();
    await ws.start('logged', 'One', 'Two');
    await until(() => ws.state('logged').then((s) => s === 'completed'));
    const r = await ws.dispatch(['logs', 'logged']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(
      `sim-worker: working on ${taskPaths(ws.dispatchDir, 'logged').plan}\nsim-worker: all items done`,
    );
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
    const following = execa('node', [bin, 'logs', 'asking', '--follow'], {
      cwd: ws.dir,
      reject: false,
      extendEnv: false,
      env: ws.env,
    });
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
    expect(json).toMatchObject({
      id: 'partial',
      state: 'failed',
      output: null,
      text: null,
      progress: { done: 1, total: 3 },
      error: { kind: 'plan-error' },
    });
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
    for (const args of [
      ['logs', 'ghost'],
      ['logs', 'ghost', '-f'],
      ['result', 'ghost'],
      ['result', 'Bad Id'],
    ]) {
      const r = await ws.dispatch(args);
      expect([r.exitCode, r.stdout, r.stderr.split('\n').length], args.join(' ')).toEqual([2, '', 1]);
    }
  });
});
