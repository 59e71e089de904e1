import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  listIpc,
  readEventLog,
  readPlan,
  writeAnswer,
  registerTask,
  registryDir,
  workspaceKey,
} from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { loggedState } from './e2e-workspace.js';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);

const until = <T>(probe: () => T | Promise<T>, timeout = 30_000) => vi.waitUntil(probe, { timeout, interval: 50 });
const homes: string[] = [];

/** A fresh DISPATCH_HOME and a way to run the CLI in a workspace with it. */
function setup() {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-daemon-home-'));
  homes.push(home);
  const env = { DISPATCH_HOME: home, DISPATCH_SIM_STEP: '0.05', DISPATCH_DAEMON_IDLE_MS: '2000', NO_COLOR: '1' };
  const workspace = () => mkdtempSync(join(tmpdir(), 'dispatch-ws-'));
  // DISPATCH_DIR pins each workspace: a stray .dispatch or .git in /tmp must not capture it.
  const dispatch = (cwd: string, args: string[]) =>
    execa('node', [bin, ...args], { cwd, env: { ...env, DISPATCH_DIR: join(cwd, '.dispatch') }, reject: false });
  const daemonPid = () => JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')).pid as number;
  return { home, env, workspace, dispatch, daemonPid };
}

afterEach(async () => {
  // Leave no daemon behind: each test's home gets `daemon stop`.
  for (const home of homes.splice(0))
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

async function taskState(cwd: string, id: string) {
  return (await deriveTask(join(cwd, '.dispatch'), id)).state;
}

describe('the daemon', () => {
  it('runs its tasks when a registration names a task folder that is gone, and drops that registration', async () => {
    const { home, workspace, dispatch } = setup();
    const ws = workspace();
    const dispatchDir = join(ws, '.dispatch');
    // Registrations left by tasks whose folders were deleted by hand (listed in no set order).
    const ghosts = ['ghost-1', 'ghost-2', 'ghost-3', 'ghost-4', 'ghost-5'];
    for (const id of ghosts)
      await registerTask(home, { id, dispatchDir, cwd: ws, env: {}, registeredAt: new Date().toISOString() });
    expect((await dispatch(ws, ['run', '--model', 'sim', '--id', 'real', '--step', 'one', 'x'])).exitCode).toBe(0);
    await until(async () => (await taskState(ws, 'real')) === 'completed');
    await until(() =>
      ghosts.every((id) => !existsSync(join(registryDir(home), workspaceKey(dispatchDir), `${id}.json`))),
    );
    expect(readFileSync(join(home, 'daemon.log'), 'utf8')).toContain('unregistered ghost-1 of');
  });

  it('removes the temp files killed writers left (task folder, home, registry), and does not exit idle before it could', async () => {
    const { home, workspace, dispatch, daemonPid } = setup();
    const ws = workspace();
    expect((await dispatch(ws, ['run', '--model', 'sim', '--id', 'tmp', '--step', 'one', 'x'])).exitCode).toBe(0);
    await until(async () => (await taskState(ws, 'tmp')) === 'completed');
    // What `dispatch answer` killed between writing and publishing leaves behind, 45 s ago.
    const temp = join(ws, '.dispatch/tasks/tmp/ipc/.001.answer.999.abc.tmp');
    // And what a daemon killed while reporting its health, or a `run` killed registering, leaves.
    const registry = join(home, 'tasks', readdirSync(join(home, 'tasks'))[0]!);
    const temps = [temp, join(home, '.daemon-health.json.999.abc.tmp'), join(registry, '.tmp.json.999.abc.tmp')];
    const old = new Date(Date.now() - 45_000);
    for (const t of temps) {
      writeFileSync(t, 'JWT');
      utimesSync(t, old, old);
    }
    const pid = daemonPid();
    // Idle after 2 s, it stays until the temps are 50 s old and removed, then exits.
    await until(() => temps.every((t) => !existsSync(t)), 40_000);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 20_000);
  });

  it('fails and stops a worker that shows no sign of life past the stall limit', async () => {
    const { workspace, env } = setup();
    const ws = workspace();
    const run = await execa('node', [bin, 'run', '--model', 'sim', '--id', 'quiet', '--step', 'forever {hang}', 'x'], {
      cwd: ws,
      env: { ...env, DISPATCH_STALL_MS: '1500' },
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    await until(async () => (await deriveTask(join(ws, '.dispatch'), 'quiet')).state === 'failed');
    const derived = await deriveTask(join(ws, '.dispatch'), 'quiet');
    expect(derived.snapshot.context.error).toMatchObject({ kind: 'stalled' });
    await until(async () =>
      (await readEventLog(join(ws, '.dispatch/tasks/quiet/events.jsonl'))).events.some(
        (e) => e.type === 'worker.exited',
      ),
    );
  });

  it('killed with -9 while a question waits: nothing lost, the next daemon finishes the task', async () => {
    const { workspace, dispatch, daemonPid } = setup();
    const ws = workspace();
    const run = await dispatch(ws, [
      'run',
      '--model',
      'sim',
      '--id',
      'crashy',
      '--step',
      'one',
      '--step',
      'two {ask: JWT or sessions?}',
      '--step',
      'three',
      'review',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const events = join(ws, '.dispatch/tasks/crashy/events.jsonl');
    await until(async () => (await readEventLog(events)).events.some((e) => e.type === 'question.asked'));
    process.kill(daemonPid(), 'SIGKILL');
    await writeAnswer(join(ws, '.dispatch/tasks/crashy/ipc'), 1, 'JWT');
    expect((await dispatch(ws, ['daemon', 'start'])).exitCode).toBe(0);
    // The files say completed at once; the log says so once the new daemon has recorded it all.
    await until(async () => (await loggedState(events)) === 'completed');
    expect(await taskState(ws, 'crashy')).toBe('completed');
    const log = (await readEventLog(events)).events;
    expect(log.filter((e) => e.type === 'worker.started')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'question.answered')).toHaveLength(1);
    expect([...(await listIpc(join(ws, '.dispatch/tasks/crashy/ipc'))).acks]).toEqual([1]);
  });

  it('is one per DISPATCH_HOME: a second one exits, and a lock left by kill -9 does not block the next', async () => {
    const { home, env, daemonPid } = setup();
    const first = execa('node', [bin, 'daemon', 'run'], {
      env: { ...env, DISPATCH_DAEMON_IDLE_MS: '60000' },
      reject: false,
    });
    await until(() => {
      try {
        return daemonPid() === first.pid;
      } catch {
        return false;
      }
    });
    const second = await execa('node', [bin, 'daemon', 'run'], { env, reject: false });
    expect(second.exitCode).toBe(0);
    expect(daemonPid()).toBe(first.pid);
    first.kill('SIGKILL');
    await first;
    const third = execa('node', [bin, 'daemon', 'run'], { env, reject: false });
    await until(() => daemonPid() === third.pid);
    const status = await execa('node', [bin, 'daemon', 'status', '--json'], {
      env: { DISPATCH_HOME: home },
      reject: false,
    });
    expect(JSON.parse(status.stdout)).toEqual({ running: true, pid: third.pid, version: expect.any(String) });
    third.kill('SIGTERM');
    expect((await third).exitCode).toBe(0);
  });

  it('started twice at once: the loser leaves naming the winner, and after `daemon stop` none runs', async () => {
    const { home, env, daemonPid } = setup();
    const long = { ...env, DISPATCH_DAEMON_IDLE_MS: '60000' };
    const both = [0, 1].map(() => execa('node', [bin, 'daemon', 'run'], { env: long, reject: false }));
    const first = await Promise.race(both.map((p, i) => p.then((r) => ({ i, r }))));
    const winner = both[1 - first.i]!;
    expect(first.r.exitCode).toBe(0);
    expect(daemonPid()).toBe(winner.pid);
    expect(String(first.r.stderr)).toContain(`a daemon already runs (pid ${winner.pid})`);
    const stop = await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
    expect(stop.stdout).toBe(`stopped the daemon (pid ${winner.pid})`);
    expect((await winner).exitCode).toBe(0);
    // `daemon stop` returned once it had stopped, and nothing took its place.
    const status = await execa('node', [bin, 'daemon', 'status', '--json'], {
      env: { DISPATCH_HOME: home },
      reject: false,
    });
    expect(JSON.parse(status.stdout)).toEqual({ running: false, pid: null, version: null });
    expect(existsSync(join(home, 'daemon.json'))).toBe(false);
  });

  it('runs five tasks in two workspaces at once; every answer reaches the worker that asked it', async () => {
    const { workspace, dispatch } = setup();
    const [a, b] = [workspace(), workspace()];
    const tasks = [
      [a, 't1'],
      [a, 't2'],
      [a, 't3'],
      [b, 't4'],
      [b, 't5'],
    ] as const;
    await Promise.all(
      tasks.map(([ws, id]) =>
        dispatch(ws, [
          'run',
          '--model',
          'sim',
          '--id',
          id,
          '--step',
          `first {ask: ${id} question 1?}`,
          '--step',
          `second {ask: ${id} question 2?}`,
          id,
        ]),
      ),
    );
    const answered = new Set<string>();
    // Answer questions as they come, in whatever order they appear.
    await until(async () => {
      for (const [ws, id] of [...tasks].sort(() => Math.random() - 0.5)) {
        const ipc = join(ws, '.dispatch/tasks', id, 'ipc');
        const listing = await listIpc(ipc);
        for (const seq of listing.questions) {
          const key = `${id}#${seq}`;
          if (answered.has(key) || listing.answers.has(seq)) continue;
          answered.add(key);
          await writeAnswer(ipc, seq, `answer for ${key}`);
        }
      }
      const states = await Promise.all(tasks.map(([ws, id]) => taskState(ws, id)));
      return states.every((s) => s === 'completed');
    }, 60_000);
    for (const [ws, id] of tasks) {
      const plan = await readPlan(join(ws, '.dispatch/tasks', id, 'plan.md'));
      expect(plan?.items.map((i) => i.note)).toEqual([`answered: answer for ${id}#1`, `answered: answer for ${id}#2`]);
    }
  });
});
