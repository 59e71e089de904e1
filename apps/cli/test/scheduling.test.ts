import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  listAttempts,
  readAttemptClaim,
  readEventLog,
  readExitRecord,
  taskPaths,
  writeRequest,
} from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** The most workers that ran at once: at each start, those started and not yet ended (itself too). */
function mostAtOnce(spans: readonly { start: number; end: number }[]): number {
  return Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length));
}

describe('concurrency limits', () => {
  it('12 tasks in two workspaces with limits.total 3: never more than 3 workers at once, all complete, in submission order', async () => {
    const w = e2eWorkspace('limits');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: x\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  x: { backend: shell }\nlimits: { total: 3 }\n',
    );
    const other = mkdtempSync(join(tmpdir(), 'dispatch-limits-other-'));
    const dirs = [w.dir, other];
    const ids: [string, string][] = [];
    // Each worker holds its slot 4 s: the fourth task is sure to wait, however slow `run` is here.
    for (let i = 0; i < 12; i++) {
      const cwd = dirs[i % 2]!;
      const id = `t${String(i).padStart(2, '0')}`;
      const r = await execa('node', [bin, 'run', '--model', 'sim', '--id', id, '--step', 'work {sleep: 4}', id], {
        cwd,
        env: { ...w.env, DISPATCH_DIR: join(cwd, '.dispatch') },
        extendEnv: false,
        reject: false,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      ids.push([cwd, id]);
      // While the first three hold every slot, the fifth (this workspace's third) waits, and status
      // says why, with its place in line.
      if (i === 4) {
        await until(async () =>
          /waiting for a free sim worker slot \(#\d in line\)/.test(String((await w.dispatch(['status'])).stdout)),
        );
      }
    }
    const state = (cwd: string, id: string) =>
      execa('node', [bin, 'status', id, '--json'], {
        cwd,
        env: { ...w.env, DISPATCH_DIR: join(cwd, '.dispatch') },
        extendEnv: false,
        reject: false,
      }).then((r) => (JSON.parse(String(r.stdout)) as { state: string }).state);
    const allCompleted = async () =>
      (await Promise.all(ids.map(([c, id]) => state(c, id)))).every((s) => s === 'completed');
    await vi.waitUntil(allCompleted, { timeout: 90_000, interval: 250 }); // four rounds of 4 s, on a loaded machine

    const spans: { id: string; start: number; end: number; scheduled: number }[] = [];
    for (const [cwd, id] of ids) {
      const { events } = await readEventLog(join(cwd, '.dispatch/tasks', id, 'events.jsonl'));
      const at = (type: string) => Date.parse(String(events.find((e) => e.type === type)?.at));
      spans.push({ id, start: at('worker.started'), end: at('worker.exited'), scheduled: at('start') });
    }
    const most = mostAtOnce(spans);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThanOrEqual(2); // they did run side by side
    // Submission order kept: the scheduler's start decisions (the `start` events) never go backwards.
    // (Workers started in the same pass may report in either order.)
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.scheduled).toBeGreaterThanOrEqual(spans[i - 1]!.scheduled);
  }, 180_000);
});

describe('concurrency limits hold for every attempt', () => {
  it('a continued or retried task waits in line for a slot like a new one', async () => {
    const w = e2eWorkspace('limits-again');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: x\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  x: { backend: shell }\nlimits: { total: 1 }\n',
    );
    await w.start('stuck', 'db {block: Which database?}');
    await until(async () => (await w.state('stuck')) === 'blocked');
    await w.start('flaky', 'build {fail-once: flaky}');
    await until(async () => (await w.state('flaky')) === 'failed');
    // Gave up waiting for its answer: blocked, its question #1 still unanswered.
    expect(
      (
        await w.dispatch([
          'run',
          '--model',
          'sim',
          '--id',
          'asked',
          '--answer-timeout',
          '1',
          '--step',
          'port {ask: Which port?}',
          'asked',
        ])
      ).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('asked')) === 'blocked');
    await w.start('long', 'work {sleep: 4}');
    await until(async () => (await w.state('long')) === 'running');

    expect((await w.dispatch(['continue', 'stuck', '--answer', 'postgres'])).exitCode).toBe(0);
    expect((await w.dispatch(['retry', 'flaky'])).exitCode).toBe(0);
    expect((await w.dispatch(['continue', 'asked', '--answer', '8080', '--model', 'sim'])).exitCode).toBe(0);
    const table = String((await w.dispatch(['status'])).stdout);
    expect(table).toMatch(/^stuck +queued .*waiting for a free sim worker slot \(#1 in line\)/m);
    expect(table).toMatch(/^flaky +queued .*waiting for a free sim worker slot \(#2 in line\)/m);
    // The question the last worker left is superseded: waiting in line, the task asks nothing.
    expect((await w.dispatch(['wait', 'asked', '--json', '--timeout', '1'])).exitCode).toBe(124);
    await until(async () =>
      (await Promise.all(['stuck', 'flaky', 'asked', 'long'].map(w.state))).every((s) => s === 'completed'),
    );

    const attempts: { id: string; start: number; end: number }[] = [];
    for (const id of ['stuck', 'flaky', 'asked', 'long']) {
      const { events } = await readEventLog(join(w.dispatchDir, 'tasks', id, 'events.jsonl'));
      for (const started of events.filter((e) => e.type === 'worker.started')) {
        const exited = events.find((e) => e.type === 'worker.exited' && e.attempt === started.attempt);
        attempts.push({ id, start: Date.parse(String(started.at)), end: Date.parse(String(exited?.at)) });
      }
    }
    expect(attempts).toHaveLength(7);
    expect(mostAtOnce(attempts)).toBe(1);
    // Each went back in line behind the running task, in the order it was created.
    const second = (id: string) => attempts.filter((a) => a.id === id)[1]!.start;
    const long = attempts.find((a) => a.id === 'long')!;
    expect(second('stuck')).toBeGreaterThanOrEqual(long.end);
    expect(second('flaky')).toBeGreaterThan(second('stuck'));
  }, 90_000);
});

describe('a restarted daemon', () => {
  it('counts the workers that outlived the last one before it starts anyone', async () => {
    const w = e2eWorkspace('limits-restart');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: x\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  x: { backend: shell }\nlimits: { total: 2 }\n',
    );
    const flaky = ['f1', 'f2', 'f3', 'f4', 'f5'];
    for (const id of flaky) await w.start(id, 'x {fail-once: flaky}');
    await until(async () => (await Promise.all(flaky.map(w.state))).every((s) => s === 'failed'));
    for (const id of ['r1', 'r2']) await w.start(id, 'work {sleep: 6}');
    await until(async () => (await w.state('r1')) === 'running' && (await w.state('r2')) === 'running');
    // The daemon dies; retries wait on disk for the next one, which finds them before it has
    // hosted both running tasks (registrations come in no particular order).
    process.kill((JSON.parse(readFileSync(join(w.home, 'daemon.json'), 'utf8')) as { pid: number }).pid, 'SIGKILL');
    for (const id of flaky) await writeRequest(taskPaths(w.dispatchDir, id).requests, { type: 'retry' });
    expect((await w.dispatch(['daemon', 'start'])).exitCode).toBe(0);
    await until(async () => (await Promise.all([...flaky, 'r1', 'r2'].map(w.state))).every((s) => s === 'completed'));

    const spans: { start: number; end: number }[] = [];
    for (const id of [...flaky, 'r1', 'r2']) {
      const attempts = taskPaths(w.dispatchDir, id).attempts;
      for (const n of await listAttempts(attempts)) {
        spans.push({
          start: Date.parse(String((await readAttemptClaim(attempts, n))?.claimedAt)),
          end: Date.parse(String((await readExitRecord(attempts, n))?.at)),
        });
      }
    }
    expect(spans).toHaveLength(12);
    expect(mostAtOnce(spans)).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('a retry on another backend', () => {
  it('waits for a slot of the backend it will run on, not the one it failed on', async () => {
    const w = e2eWorkspace('limits-backend');
    // The absent CLI is named through an expansion `run` does not read: the task starts and fails on it.
    const sim = new URL('../../../packages/backends/sim/dispatch-sim-worker.sh', import.meta.url).pathname;
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: slow-model\nbackends:\n  slow: { command: "sh ${sim}", model_flag: none }\n  absent: { command: "\${NO_CLI:-dispatch-test-no-such-cli}" }\nmodels:\n  slow-model: { backend: slow }\n  absent-model: { backend: absent }\nlimits: { slow: 1 }\n`,
    );
    const run = (id: string, model: string, step: string) =>
      w.dispatch(['run', '--model', model, '--id', id, '--step', step, id]);
    expect((await run('first', 'slow-model', 'work {sleep: 3}')).exitCode).toBe(0);
    expect((await run('moved', 'absent-model', 'work')).exitCode).toBe(0);
    await until(async () => (await w.state('first')) === 'running' && (await w.state('moved')) === 'failed');
    expect((await w.dispatch(['retry', 'moved', '--model', 'slow-model'])).exitCode).toBe(0);
    expect(String((await w.dispatch(['status'])).stdout)).toMatch(
      /^moved +queued .*waiting for a free slow worker slot \(#1 in line\)/m,
    );
    await until(async () => (await w.state('moved')) === 'completed');
    const at = async (id: string, type: string) =>
      Date.parse(
        String(
          (await readEventLog(join(w.dispatchDir, 'tasks', id, 'events.jsonl'))).events
            .filter((e) => e.type === type)
            .at(-1)?.at,
        ),
      );
    expect(await at('moved', 'worker.started')).toBeGreaterThanOrEqual(await at('first', 'worker.exited'));
  });
});

describe('dependencies', () => {
  it('A → B → C completes in order; B failing keeps C waiting (shown, B kept from clean), a retry of B lets C run; unknown ids and self are refused', async () => {
    const w = e2eWorkspace('after');
    await w.start('a', 'first {sleep: 0.3}');
    expect(
      (
        await w.dispatch([
          'run',
          '--model',
          'sim',
          '--id',
          'b',
          '--after',
          'a',
          '--step',
          'second {fail-once: flaky}',
          'b',
        ])
      ).exitCode,
    ).toBe(0);
    expect(
      (await w.dispatch(['run', '--model', 'sim', '--id', 'c', '--after', 'b', '--step', 'third', 'c'])).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('b')) === 'failed');
    expect(await w.state('c')).toBe('queued');
    await until(async () =>
      /^c +queued .*waiting for b \(failed\)/m.test(String((await w.dispatch(['status'])).stdout)),
    );
    const startedAt = async (id: string) =>
      Date.parse(
        String(
          (await readEventLog(join(w.dispatchDir, 'tasks', id, 'events.jsonl'))).events.find(
            (e) => e.type === 'worker.started',
          )?.at,
        ),
      );
    const finishedAt = async (id: string) =>
      Date.parse(
        String(
          (await readEventLog(join(w.dispatchDir, 'tasks', id, 'events.jsonl'))).events
            .filter((e) => e.type === 'state.entered' && e.state === 'completed')
            .at(-1)?.at,
        ),
      );
    const aFinished = await finishedAt('a');
    // b is kept while c waits for it: its id could otherwise come back as a task after c, a cycle.
    const clean = await w.dispatch(['clean', 'b']);
    expect([clean.exitCode, clean.stderr]).toEqual([
      2,
      'dispatch: task b is kept: c waits to run after it; retry it, or cancel them first: dispatch cancel c',
    ]);
    const all = await w.dispatch(['clean', '--all']);
    expect([all.stdout, all.stderr]).toEqual([
      'removed a (completed)',
      'kept b: c waits to run after it\nkept c: it is queued',
    ]);
    expect((await w.dispatch(['retry', 'b'])).exitCode).toBe(0);
    await until(async () => (await w.state('c')) === 'completed');
    expect(await startedAt('b')).toBeGreaterThanOrEqual(aFinished);
    expect(await startedAt('c')).toBeGreaterThanOrEqual(await finishedAt('b'));

    for (const [args, message] of [
      [['--after', 'nope'], `dispatch: --after nope: no task nope in ${w.dispatchDir}`],
      [['--id', 'self', '--after', 'self'], 'dispatch: --after self: a task cannot run after itself'],
    ] as const) {
      const r = await w.dispatch(['run', '--model', 'sim', ...args, '--step', 'x', 'x']);
      expect([r.exitCode, r.stderr]).toEqual([2, message]);
    }
  });

  it('a task whose dependency was cancelled fails with kind dependency', async () => {
    const w = e2eWorkspace('after-cancel');
    await w.start('long', 'wait {sleep: 30}');
    expect(
      (await w.dispatch(['run', '--model', 'sim', '--id', 'next', '--after', 'long', '--step', 'x', 'next'])).exitCode,
    ).toBe(0);
    expect((await w.dispatch(['cancel', 'long'])).exitCode).toBe(0);
    await until(async () => (await w.state('next')) === 'failed');
    const view = JSON.parse(String((await w.dispatch(['status', 'next', '--json'])).stdout)) as {
      error: { kind: string; message: string };
    };
    expect(view.error).toEqual({ kind: 'dependency', message: 'long was cancelled, and this task runs after it' });
    expect(readFileSync(join(w.dispatchDir, 'tasks/next/task.json'), 'utf8')).toContain('"after"');
  });
});
