import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listIpc, readEventLog, readPidRecord, writeAnswer, writeRequest } from '@dispatch/ipc-fs';
import { isSameProcess } from '@dispatch/backends';
import { CRASH_POINTS, type CrashPoint } from '@dispatch/runtime';
import { assertFreshBuild, bin } from './built-binary.js';
import { loggedState } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
const until = <T>(probe: () => T | Promise<T>, timeout = 40_000) => vi.waitUntil(probe, { timeout, interval: 50 });
const homes: string[] = [];
afterAll(async () => {
  for (const home of homes)
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

const daemonAlive = (home: string) => {
  try {
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; startTime: string };
    return isSameProcess(info.pid, info.startTime);
  } catch {
    return false;
  }
};

/** Runs a task under a daemon told to die at `point`, restarts the daemon, and checks nothing was lost. */
async function crashAt(point: CrashPoint) {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-crash-home-'));
  homes.push(home);
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-crash-ws-'));
  const base = {
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(ws, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    DISPATCH_PID_WAIT_MS: '500',
  };
  const cancel = point === 'during-cancel';
  const steps = cancel ? ['forever {hang}'] : ['one', 'two {ask: JWT or sessions?}', 'three'];
  const run = await execa(
    'node',
    [bin, 'run', '--model', 'sim', '--id', 't', ...steps.flatMap((s) => ['--step', s]), 'crash test'],
    {
      cwd: ws,
      env: { ...base, DISPATCH_CRASH_AT: point },
      reject: false,
    },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  const task = join(ws, '.dispatch/tasks/t');
  if (cancel) {
    await until(() => readPidRecord(join(task, 'attempts'), 1));
    await writeRequest(join(task, 'requests'), { type: 'cancel' });
  }
  // The daemon dies at the point (a few points need the question or the cancel to get there).
  await until(async () => {
    if (!cancel) {
      const ipc = await listIpc(join(task, 'ipc'));
      if (ipc.questions.includes(1) && !ipc.answers.has(1)) await writeAnswer(join(task, 'ipc'), 1, 'JWT');
    }
    return !daemonAlive(home) && existsSync(join(home, 'daemon.json'));
  });
  // The next command starts a daemon without the crash, which must finish the job.
  expect((await execa('node', [bin, 'daemon', 'start'], { cwd: ws, env: base, reject: false })).exitCode).toBe(0);
  const done = cancel ? 'cancelled' : 'completed';
  await until(async () => {
    const ipc = await listIpc(join(task, 'ipc'));
    if (!cancel && ipc.questions.includes(1) && !ipc.answers.has(1)) await writeAnswer(join(task, 'ipc'), 1, 'JWT');
    return (await loggedState(join(task, 'events.jsonl'))) === done;
  });
  const log = (await readEventLog(join(task, 'events.jsonl'))).events;
  expect(readdirSync(join(task, 'attempts')).filter((n) => n.endsWith('.json'))).toEqual(['1.json']);
  expect(log.filter((e) => e.type === 'worker.started').length).toBeLessThanOrEqual(1);
  if (!cancel) {
    expect(log.filter((e) => e.type === 'question.asked')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'question.answered')).toHaveLength(1);
    expect([...(await listIpc(join(task, 'ipc'))).acks]).toEqual([1]);
  } else {
    const pid = await readPidRecord(join(task, 'attempts'), 1);
    await until(() => pid === null || !isSameProcess(pid.pid, pid.startTime));
  }
}

describe('kill -9 of the daemon at every named crash point loses nothing', () => {
  const daemonPoints = CRASH_POINTS.filter((p) => p !== 'before-answer-published');
  // Each point twice: where exactly the crash lands around it varies from run to run.
  it.each(daemonPoints.flatMap((p) => [p, p]))('%s', async (point) => {
    await crashAt(point);
  });

  it('before-answer-published: `answer` killed between writing and publishing leaves no answer; the next one lands', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dispatch-crash-home-'));
    homes.push(home);
    const ws = mkdtempSync(join(tmpdir(), 'dispatch-crash-ws-'));
    const env = {
      DISPATCH_HOME: home,
      DISPATCH_DIR: join(ws, '.dispatch'),
      DISPATCH_SIM_STEP: '0.05',
      DISPATCH_DAEMON_IDLE_MS: '3000',
    };
    const run = await execa('node', [bin, 'run', '--model', 'sim', '--id', 't', '--step', 'q {ask: JWT?}', 'x'], {
      cwd: ws,
      env,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const ipc = join(ws, '.dispatch/tasks/t/ipc');
    await until(async () => (await listIpc(ipc)).questions.includes(1));
    const killed = await execa('node', [bin, 'answer', 't', 'JWT'], {
      cwd: ws,
      env: { ...env, DISPATCH_CRASH_AT: 'before-answer-published' },
      reject: false,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect((await listIpc(ipc)).answers.size).toBe(0);
    const again = await execa('node', [bin, 'answer', 't', 'JWT'], { cwd: ws, env, reject: false });
    expect(again.exitCode, again.stderr).toBe(0);
    await until(async () => (await loggedState(join(ws, '.dispatch/tasks/t/events.jsonl'))) === 'completed');
    expect([...(await listIpc(ipc)).acks]).toEqual([1]);
  });
});
