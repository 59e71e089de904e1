import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATES } from '@dispatch/core';
import { processStartTime } from '@dispatch/backends';
import { findStaleTemps, listAttempts, listIpc, readPidRecord } from '@dispatch/ipc-fs';
import {
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  inPool,
  latencyFigures,
  repoRoot,
  reportFigures,
  startScriptedUser,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';
// The daemon's own list: a new crash point is covered here without a second list to keep in step.
import { CRASH_POINTS, type CrashPoint } from '@dispatch/runtime';

// Scenario 2: every named crash point (DISPATCH_CRASH_AT) × 10 repetitions. Each run dies at its
// point as `kill -9` would; the next daemon (or the next `answer`) must finish the task with
// nothing lost, and the common checker must pass. The repetitions of one round run concurrently,
// each in its own workspace and DISPATCH_HOME.
const REPETITIONS = 10;

beforeAll(assertFreshBuild);
const made: Workspace[] = [];
afterAll(async () => {
  for (const ws of made.splice(0)) await ws.dispose();
});

const readLog = (ws: Workspace) => {
  try {
    return readFileSync(`${ws.home}/daemon.log`, 'utf8');
  } catch {
    return '';
  }
};

/** One run of one point: how long the recovery took (restart → final state), in ms. */
async function crashAt(point: CrashPoint, repetition: number): Promise<number> {
  const ws = createWorkspace(`crash-${repetition}`, { env: { DISPATCH_PID_WAIT_MS: '500' } });
  made.push(ws);
  const cancel = point === 'during-cancel';
  const steps = cancel
    ? ['forever {hang}']
    : ['one', 'two {ask: JWT or sessions?}', 'three {ask: which port?}', 'four'];
  if (point === 'before-answer-published') return answerKilled(ws, steps, repetition === 1);

  const user = startScriptedUser(ws, { intervalMs: 50 });
  try {
    await ws.run('t', steps, { env: { DISPATCH_CRASH_AT: point } });
    // The daemon `run` started: the first of the log (it may crash before daemon.json is read).
    const logged = () => /started \(pid (\d+)/.exec(readLog(ws))?.[1];
    const crashing = Number(await waitFor(logged, { what: 'the daemon `run` started' }));
    if (cancel) {
      await waitFor(() => readPidRecord(ws.paths('t').attempts, 1), { what: 'the worker' });
      // `cancel` makes sure a daemon runs after writing its request: when the crash comes first,
      // it starts the next daemon itself, which may finish the task before the test looks.
      expect((await ws.dispatch(['cancel', 't'])).exitCode).toBe(0);
    }
    // The daemon dies at its point: gone, without the `stopped` line a clean exit logs.
    await waitFor(() => processStartTime(crashing) === null, { what: `the daemon to die at ${point}` });
    expect(readLog(ws)).not.toContain(`stopped (pid ${crashing})`);
    const start = performance.now();
    if (!ws.daemon()) await ws.startDaemon();
    const done = cancel ? 'cancelled' : 'completed';
    await waitFor(async () => (await ws.state('t')) === done, {
      what: `the task to be ${done} after a crash at ${point}`,
    });
    const recovery = performance.now() - start;
    await user.stop();
    expect(user.errors).toEqual([]);
    await verify(ws, cancel);
    return recovery;
  } finally {
    await user.stop();
  }
}

/**
 * `before-answer-published`: the `answer` command dies between writing and publishing. With
 * `ageTemp`, its leftover temp file is aged by 45 s, and the daemon must remove it (not exit idle
 * with it in place): no temp file may outlive a minute.
 */
async function answerKilled(ws: Workspace, steps: string[], ageTemp: boolean): Promise<number> {
  await ws.run('t', steps);
  const answerFirst = async () => {
    await waitFor(async () => (await listIpc(ws.paths('t').ipc)).questions.length >= 1, { what: 'question 1' });
    const killed = await ws.dispatch(['answer', 't', 'JWT'], { env: { DISPATCH_CRASH_AT: 'before-answer-published' } });
    expect(killed.signal).toBe('SIGKILL');
    expect((await listIpc(ws.paths('t').ipc)).answers.size).toBe(0);
  };
  await answerFirst();
  const start = performance.now();
  for (const seq of [1, 2]) {
    await waitFor(async () => (await listIpc(ws.paths('t').ipc)).questions.includes(seq), { what: `question ${seq}` });
    const r = await ws.dispatch(['answer', 't', `answer ${seq}`]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
  }
  await waitFor(async () => (await ws.state('t')) === 'completed', { what: 'the task to complete' });
  const recovery = performance.now() - start;
  const ipc = ws.paths('t').ipc;
  const temps = await findStaleTemps(ipc, 0);
  expect(temps).toHaveLength(1); // the killed writer's
  if (ageTemp) {
    const aged = new Date(Date.now() - 45_000);
    utimesSync(join(ipc, temps[0]!), aged, aged);
    await waitFor(async () => (await findStaleTemps(ipc, 0)).length === 0, {
      what: 'the daemon to remove the aged temp file',
    });
  }
  await verify(ws, false);
  return recovery;
}

/** The common checker, plus what this scenario knows: one attempt, every question answered once. */
async function verify(ws: Workspace, cancel: boolean): Promise<void> {
  const report = await checkInvariants(ws);
  expect(report.states).toEqual({ [cancel ? 'cancelled' : 'completed']: 1 });
  expect(await listAttempts(ws.paths('t').attempts)).toEqual([1]);
  if (!cancel) expect([report.questions, report.answers, report.acks]).toEqual([2, 2, 2]);
  expect(FINAL_STATES).toContain(await ws.state('t'));
}

describe('02 named crash points', () => {
  it('the scenario covers every crash point the daemon and CLI define', () => {
    const source = readFileSync(`${repoRoot}/packages/runtime/src/daemon/crash-points.ts`, 'utf8');
    const union = /export type CrashPoint =([^;]+);/.exec(source)?.[1] ?? '';
    const defined = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect([...CRASH_POINTS].sort()).toEqual(defined.sort());
  });

  it(`every crash point × ${REPETITIONS}: the next daemon finishes the task, the checker passes`, async () => {
    const wall = startWallClock();
    const recovery = new Map<CrashPoint, number[]>(CRASH_POINTS.map((p) => [p, []]));
    for (let repetition = 1; repetition <= REPETITIONS; repetition++) {
      await inPool(CRASH_POINTS, CRASH_POINTS.length, async (point) => {
        recovery.get(point)!.push(await crashAt(point, repetition));
      });
      // Each round's workspaces are done with: free their daemons and folders before the next.
      for (const ws of made.splice(0)) await ws.dispose();
    }
    const all = [...recovery.values()].flat();
    expect(all).toHaveLength(CRASH_POINTS.length * REPETITIONS);
    reportFigures(
      '02 named crash points',
      {
        'crash points': CRASH_POINTS.length,
        'repetitions each': REPETITIONS,
        'runs recovered, checker passed': all.length,
        ...latencyFigures('recovery (restart → final state)', all),
        ...Object.fromEntries(
          CRASH_POINTS.map((p) => [
            `${p} recovery p50 ms`,
            Math.round([...recovery.get(p)!].sort((a, b) => a - b)[Math.floor(REPETITIONS / 2)]!),
          ]),
        ),
      },
      wall.seconds(),
    );
  });
});
