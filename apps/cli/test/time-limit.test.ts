import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const alive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the wall-clock limit of a worker attempt', () => {
  it('stops a worker that runs past --time-limit: the task fails with kind timeout and nothing is left running', async () => {
    const w = e2eWorkspace('time-limit');
    const r = await w.dispatch([
      'run',
      '--model',
      'sim',
      '--id',
      'slow',
      '--time-limit',
      '2',
      '--step',
      'think {sleep: 120}',
      'slow work',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(w.dispatchDir, 'tasks/slow/task.json'), 'utf8')).options).toEqual({
      timeLimit: 2,
    });
    await until(async () => (await w.state('slow')) === 'failed');
    const status = JSON.parse(String((await w.dispatch(['status', 'slow', '--json'])).stdout)) as {
      error: { kind: string };
    };
    expect(status.error.kind).toBe('timeout');
    const pid = Number(readFileSync(join(w.dispatchDir, 'tasks/slow/attempts/1.pid'), 'utf8').split(' ')[0]);
    await until(() => !alive(pid));
  });

  it('takes time_limit from the config, and refuses a bad --time-limit without writing anything', async () => {
    const w = e2eWorkspace('time-limit-config');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: sim2\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  sim2: { backend: shell }\ntime_limit: 600\n',
    );
    expect((await w.dispatch(['run', '--model', 'sim', '--id', 'one', '--step', 'a', 'x'])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(w.dispatchDir, 'tasks/one/task.json'), 'utf8')).options).toEqual({
      timeLimit: 600,
    });
    const bad = await w.dispatch(['run', '--model', 'sim', '--id', 'two', '--time-limit', 'soon', '--step', 'a', 'x']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, 'dispatch: --time-limit: a positive number of seconds']);
    expect(existsSync(join(w.dispatchDir, 'tasks/two'))).toBe(false);
    await until(async () => (await w.state('one')) === 'completed');
  });
});
