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
  it('stops a worker that runs past --time-limit: the task blocks on its limit (no question, nothing left running); continue --time-limit raises it and the task completes', async () => {
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
      'think {sleep: 6}',
      'slow work',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(w.dispatchDir, 'tasks/slow/task.json'), 'utf8')).options).toEqual({
      timeLimit: 2,
      onLimit: 'pause',
    });
    await until(async () => (await w.state('slow')) === 'blocked');
    const status = JSON.parse(String((await w.dispatch(['status', 'slow', '--json'])).stdout)) as {
      question: unknown;
      error: { kind: string; message: string; spent: number; limit: number };
    };
    expect(status.question).toBeNull();
    expect(status.error).toEqual({
      kind: 'time-limit',
      message: expect.stringMatching(/^reached its time limit: ran \d+ s of 2 s, 1 of 1 items left$/),
      spent: expect.any(Number),
      limit: 2,
    });
    const pid = Number(readFileSync(join(w.dispatchDir, 'tasks/slow/attempts/1.pid'), 'utf8').split(' ')[0]);
    await until(() => !alive(pid));

    // A host is told with the limit's kind; an answer is refused with the command that helps.
    const wait = await w.dispatch(['wait', 'slow', '--json']);
    expect(JSON.parse(wait.stdout)).toMatchObject({ type: 'blocked', kind: 'time-limit', seq: null });
    const answer = await w.dispatch(['answer', 'slow', 'go on']);
    expect([answer.exitCode, answer.stderr]).toEqual([
      2,
      'dispatch: task slow is blocked on its time limit, not on a question: raise it with dispatch continue slow --time-limit S (S: the new limit in seconds)',
    ]);
    const cont = await w.dispatch(['continue', 'slow', '--time-limit', '60', '--json']);
    expect(cont.exitCode, cont.stderr).toBe(0);
    await until(async () => (await w.state('slow')) === 'completed');
    const log = readFileSync(join(w.dispatchDir, 'tasks/slow/events.jsonl'), 'utf8');
    expect(log).toContain('"type":"continue","model":null,"timeLimitMs":60000');
    expect(log).not.toContain('"state":"failed"');
  });

  it('with --on-limit fail the task fails with kind timeout, as scripts that want it expect', async () => {
    const w = e2eWorkspace('time-limit-fail');
    const args = ['run', '--model', 'sim', '--id', 'slow', '--time-limit', '2', '--on-limit', 'fail'];
    const r = await w.dispatch([...args, '--step', 'think {sleep: 120}', 'slow work']);
    expect(r.exitCode, r.stderr).toBe(0);
    await until(async () => (await w.state('slow')) === 'failed');
    const status = JSON.parse(String((await w.dispatch(['status', 'slow', '--json'])).stdout)) as {
      error: { kind: string };
    };
    expect(status.error.kind).toBe('timeout');
    const pid = Number(readFileSync(join(w.dispatchDir, 'tasks/slow/attempts/1.pid'), 'utf8').split(' ')[0]);
    await until(() => !alive(pid));
    const bad = await w.dispatch(['run', '--model', 'sim', '--id', 'two', '--on-limit', 'later', '--step', 'a', 'x']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, 'dispatch: --on-limit: expected pause or fail, got "later"']);
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
      onLimit: 'pause',
      quotaCooldown: 1800,
    });
    const bad = await w.dispatch(['run', '--model', 'sim', '--id', 'two', '--time-limit', 'soon', '--step', 'a', 'x']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, 'dispatch: --time-limit: a positive number of seconds']);
    expect(existsSync(join(w.dispatchDir, 'tasks/two'))).toBe(false);
    await until(async () => (await w.state('one')) === 'completed');
  });
});
