import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toTaskView } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);

/** Only what a shell needs: a DISPATCH_* variable of the environment running the tests must not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 30_000, interval: 50 });
const homes: string[] = [];

/** A temp workspace with its own DISPATCH_HOME, the CLI run in it, and its tasks' files. */
function workspace() {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-requests-home-'));
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-requests-ws-'));
  homes.push(home);
  const env = {
    ...BASE_ENV,
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(ws, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    NO_COLOR: '1',
  };
  const dispatch = (...args: string[]) =>
    execa('node', [bin, ...args], { cwd: ws, env, extendEnv: false, reject: false });
  const file = (id: string, ...path: string[]) => join(ws, '.dispatch', 'tasks', id, ...path);
  const read = (id: string, ...path: string[]) => readFileSync(file(id, ...path), 'utf8');
  const derive = (id: string) => deriveTask(join(ws, '.dispatch'), id);
  const stateIs = (id: string, state: string) => until(async () => (await derive(id)).state === state);
  const run = async (id: string, ...steps: string[]) => {
    const r = await dispatch(
      'run',
      '--model',
      'sim',
      '--id',
      id,
      ...steps.flatMap((s) => ['--step', s]),
      'requests test',
    );
    expect(r.exitCode, r.stderr).toBe(0);
  };
  return { home, dispatch, file, read, derive, stateIs, run };
}

/** True once no process of the group (or the pid itself) is left. */
function gone(pid: number): boolean {
  for (const target of [pid, -pid]) {
    try {
      process.kill(target, 0);
      return false;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return true;
}

afterEach(async () => {
  for (const home of homes.splice(0))
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

describe('requests to the daemon', () => {
  it('continue --answer re-dispatches a blocked task; continue elsewhere and an unknown --model are refused', async () => {
    const w = workspace();
    await w.run('db', 'scan', 'pick {block: Which database?}', 'write');
    await w.stateIs('db', 'blocked');
    const unknown = await w.dispatch('continue', 'db', '--answer', 'Postgres', '--model', 'no-such-model');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^dispatch: no config for model 'no-such-model'[^\n]*$/);
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: opus\nbackends:\n  claude:\n    command: claude -p\nmodels:\n  opus:\n    backend: claude\n',
    );
    const typo = await w.dispatch('continue', 'db', '--answer', 'Postgres', '--model', 'opsu');
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/^dispatch: [^\n]*opsu[^\n]*$/);
    expect(readdirSync(w.file('db', 'requests'))).toEqual([]);
    const r = await w.dispatch('continue', 'db', '--answer', 'Postgres', '--model', 'sim');
    expect([r.exitCode, r.stdout]).toEqual([0, 'continuing db with sim']);
    await w.stateIs('db', 'completed');
    expect(w.read('db', 'plan.md')).toContain('Answer for the blocked item: Postgres');
    const again = await w.dispatch('continue', 'db', '--answer', 'MySQL');
    expect([again.exitCode, again.stderr]).toEqual([
      2,
      'dispatch: task db is not blocked (it is completed): continue applies to a blocked task, or one waiting for its quota',
    ]);
  });

  it('a failed item: failed with the error; retry finishes the rest without redoing what was done', async () => {
    const w = workspace();
    await w.run('flaky', 'scan', 'build {fail-once: compiler crashed}', 'write');
    await w.stateIs('flaky', 'failed');
    const view = toTaskView(await w.derive('flaky'));
    expect(view.error?.kind).toBe('plan-error');
    expect(view.items.map((i) => [i.mark, i.note])).toEqual([
      ['done', 'done by the sim worker'],
      ['error', 'Error: compiler crashed'],
      ['pending', null],
    ]);
    // Mark the done item's note: a worker that redid it would write its own note again.
    writeFileSync(
      w.file('flaky', 'plan.md'),
      w.read('flaky', 'plan.md').replace('scan — done by the sim worker', 'scan — kept from attempt 1'),
    );
    const repair = await w.dispatch('retry', 'flaky', '--set-default');
    expect([repair.exitCode, repair.stderr]).toEqual([
      2,
      'dispatch: there is no config to repair: run `dispatch init` first',
    ]);
    const r = await w.dispatch('retry', 'flaky');
    expect([r.exitCode, r.stdout]).toEqual([0, 'retrying flaky']);
    await w.stateIs('flaky', 'completed');
    const plan = w.read('flaky', 'plan.md');
    expect(plan).toContain('- [x] scan — kept from attempt 1');
    expect(plan).toContain('- [x] build — done by the sim worker');
    expect(
      readdirSync(w.file('flaky', 'attempts'))
        .filter((n) => n.endsWith('.json'))
        .sort(),
    ).toEqual(['1.json', '2.json']);
    const again = await w.dispatch('retry', 'flaky');
    expect([again.exitCode, again.stderr]).toEqual([
      2,
      'dispatch: task flaky has not failed (it is completed): retry applies to a failed task, or one waiting for its quota',
    ]);
  });

  it('a worker that exits 0 with open items fails incomplete; cancel ends such a task', async () => {
    const w = workspace();
    await w.run('quits', 'scan', 'stop here {stop}', 'write');
    await w.stateIs('quits', 'failed');
    expect((await w.derive('quits')).snapshot.context.error?.kind).toBe('incomplete');
    const r = await w.dispatch('cancel', 'quits');
    expect([r.exitCode, r.stdout]).toEqual([0, 'cancelling quits']);
    await w.stateIs('quits', 'cancelled');
  });

  it('cancel stops a hanging worker and its whole process group; a second cancel is refused', async () => {
    const w = workspace();
    await w.run('stuck', 'wait forever {hang}');
    await w.stateIs('stuck', 'running');
    const pid = Number(
      await until(
        () => existsSync(w.file('stuck', 'attempts', '1.pid')) && w.read('stuck', 'attempts', '1.pid').split(' ')[0],
      ),
    );
    expect(gone(pid)).toBe(false);
    const r = await w.dispatch('cancel', 'stuck');
    expect([r.exitCode, r.stdout]).toEqual([0, 'cancelling stuck']);
    await w.stateIs('stuck', 'cancelled');
    await until(() => gone(pid));
    const again = await w.dispatch('cancel', 'stuck');
    expect([again.exitCode, again.stderr]).toEqual([2, 'dispatch: task stuck is already cancelled']);
  });

  it('note: appended to the plan exactly once; refused once the task is final', async () => {
    const w = workspace();
    await w.run('noted', 'scan', 'pick {ask: JWT or sessions?}', 'write');
    await w.stateIs('noted', 'awaiting-answer');
    const r = await w.dispatch('note', 'noted', 'the', 'staging', 'db', 'is', 'down');
    expect([r.exitCode, r.stdout]).toEqual([0, 'note sent to noted']);
    await until(() => w.read('noted', 'plan.md').includes('the staging db is down'));
    expect((await w.dispatch('answer', 'noted', 'JWT')).exitCode).toBe(0);
    await w.stateIs('noted', 'completed');
    expect(w.read('noted', 'plan.md').split('> **Note from dispatcher:** the staging db is down')).toHaveLength(2);
    const late = await w.dispatch('note', 'noted', 'too late');
    expect([late.exitCode, late.stderr]).toEqual([
      2,
      'dispatch: task noted is completed: no worker would read the note',
    ]);
  });

  it('--json on answer, continue, note, retry and cancel: one object {id, state, ...} on stdout and nothing else', async () => {
    const w = workspace();
    const json = async (...args: string[]) => {
      const r = await w.dispatch(...args, '--json');
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.split('\n'), args.join(' ')).toHaveLength(1);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const state = expect.stringMatching(/^[a-z-]+$/) as unknown as string;
    await w.run('asks', 'pick {ask: JWT or sessions?}', 'write');
    await w.run('stuck', 'db {block: Which database?}');
    await w.run('broke', 'build {fail: the compiler crashed}');
    await w.stateIs('asks', 'awaiting-answer');
    expect(await json('note', 'asks', 'mind the cache')).toEqual({ id: 'asks', state });
    expect(await json('answer', 'asks', 'JWT')).toEqual({ id: 'asks', state, question: 1 });
    await w.stateIs('stuck', 'blocked');
    expect(await json('continue', 'stuck', '--answer', 'Postgres')).toEqual({ id: 'stuck', state, model: 'sim' });
    await w.stateIs('broke', 'failed');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: opus\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  opus: { backend: shell }\n  haiku: { backend: shell }\n',
    );
    // The config repair is a fact of the retry: in the object, not a line of its own before it.
    expect(await json('retry', 'broke', '--model', 'haiku', '--set-default')).toEqual({
      id: 'broke',
      state,
      model: 'haiku',
      config: 'default is now haiku',
    });
    await w.run('hangs', 'wait {hang}');
    await w.stateIs('hangs', 'running');
    expect(await json('cancel', 'hangs')).toEqual({ id: 'hangs', state });
    await w.stateIs('hangs', 'cancelled');
  });
});
