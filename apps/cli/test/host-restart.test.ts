import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { isSameProcess, simWorkerCommand } from '@dispatch/backends';
import { replay, stateOf, type TaskState } from '@dispatch/core';
import {
  claimAttempt,
  createFactSource,
  createTaskFolder,
  EventLogWriter,
  listIpc,
  readEventLog,
  readExitRecord,
  readPidRecord,
  renderPlan,
  toMachineEvents,
  writeAnswer,
  type FactSource,
} from '@dispatch/ipc-fs';
import { TaskHost, type TaskHostOptions } from '@dispatch/runtime';
import { assertFreshBuild, bin } from './built-binary.js';

/** Waits for a condition (never a fixed sleep); resolves with its first truthy value. */
const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 20_000, interval: 20 });

beforeAll(assertFreshBuild);

/** A host on the task with a fact source feeding it, as the daemon will run it. */
async function host(dispatchDir: string, cwd: string, extra: Partial<TaskHostOptions> = {}) {
  const states: TaskState[] = [];
  const h = await TaskHost.start({
    id: 'security-review',
    dispatchDir,
    cwd,
    env: () => ({ PATH: process.env.PATH, DISPATCH_SIM_STEP: '0.05' }),
    bin,
    resolveWorker: () => ({ backend: 'sim', command: simWorkerCommand(), modelArgs: null }),
    onState: (state) => states.push(state),
    ...extra,
  });
  const source: FactSource = await createFactSource({ dispatchDir, onFact: (f) => h.handleFact(f) });
  return { h, states, close: async () => (await source.close(), await h.stop()) };
}

/** The demo (a real host process) killed with SIGKILL once its worker has asked its question. */
async function demoKilledAtQuestion() {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-crash-'));
  const dispatchDir = join(dir, '.dispatch');
  const taskDir = join(dispatchDir, 'tasks', 'security-review');
  const demo = execa('node', [bin, 'demo', '--dir', dir, '--step', '0.05', '--no-answer'], { reject: false });
  await until(async () =>
    (await readEventLog(join(taskDir, 'events.jsonl'))).events.some((e) => e.type === 'question.asked'),
  );
  demo.kill('SIGKILL');
  expect((await demo).signal).toBe('SIGKILL');
  return { dir, dispatchDir, taskDir };
}

async function expectCleanLog(taskDir: string, entered: string[]) {
  const log = (await readEventLog(join(taskDir, 'events.jsonl'))).events;
  expect(stateOf(replay(toMachineEvents(log)))).toBe(entered.at(-1));
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  expect(log.filter((e) => e.type === 'question.asked')).toHaveLength(1);
  expect(log.filter((e) => e.type === 'question.answered')).toHaveLength(1);
  expect(log.filter((e) => e.type === 'worker.started')).toHaveLength(1);
  expect(log.filter((e) => e.type === 'state.entered').map((e) => e.state)).toEqual(entered);
  expect(readdirSync(join(taskDir, 'attempts')).filter((n) => n.endsWith('.json'))).toEqual(['1.json']);
  const ipc = await listIpc(join(taskDir, 'ipc'));
  expect([[...ipc.answers], [...ipc.acks]]).toEqual([[1], [1]]);
}

const FULL_RUN = ['starting', 'running', 'awaiting-answer', 'running', 'completed'];

describe('a host killed with SIGKILL mid-task loses nothing', () => {
  it('an answer written while no host runs reaches the worker; the next host records it all', async () => {
    const { dir, dispatchDir, taskDir } = await demoKilledAtQuestion();
    await writeAnswer(join(taskDir, 'ipc'), 1, 'JWT');
    await until(() => readExitRecord(join(taskDir, 'attempts'), 1).then((r) => r ?? undefined));
    const next = await host(dispatchDir, dir);
    expect(stateOf(next.h.snapshot)).toBe('completed');
    await next.close();
    await expectCleanLog(taskDir, FULL_RUN);
  });

  it('the next host re-attaches to the still-running worker and follows it to its end', async () => {
    const { dir, dispatchDir, taskDir } = await demoKilledAtQuestion();
    const next = await host(dispatchDir, dir);
    expect(stateOf(next.h.snapshot)).toBe('awaiting-answer');
    await writeAnswer(join(taskDir, 'ipc'), 1, 'JWT');
    await until(() => stateOf(next.h.snapshot) === 'completed');
    expect(next.states).toEqual(['running', 'completed']);
    await next.close();
    await expectCleanLog(taskDir, FULL_RUN);
  });
});

describe('a host starting workers', () => {
  async function freshTask(steps: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-host-'));
    const dispatchDir = join(dir, '.dispatch');
    const task = {
      id: 'security-review',
      title: 't',
      prompt: 'p',
      model: 'sim',
      backend: 'sim',
      options: {},
      createdAt: new Date().toISOString(),
    };
    const paths = await createTaskFolder(dispatchDir, task, renderPlan('t', steps));
    return { dir, dispatchDir, paths };
  }

  it('cancel while the worker is starting leaves no worker running', async () => {
    const { dir, dispatchDir, paths } = await freshTask(['Forever {hang}']);
    const next = await host(dispatchDir, dir);
    expect(stateOf(next.h.snapshot)).toBe('starting');
    next.h.send({ type: 'cancel', at: Date.now() });
    expect(stateOf(next.h.snapshot)).toBe('cancelled');
    const exit = await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined));
    const pid = await readPidRecord(paths.attempts, 1);
    if (pid) expect(isSameProcess(pid.pid, pid.startTime)).toBe(false);
    expect(exit.code === 0).toBe(false);
    await next.close();
  });

  it('a claim whose worker never started (host died between claim and launch) is launched under that claim, once', async () => {
    const { dir, dispatchDir, paths } = await freshTask(['one']);
    const log = await EventLogWriter.open(paths.events);
    const at = Date.now();
    await log.append({ type: 'task.created', at, input: { id: 'security-review', model: 'sim', createdAt: at } });
    await log.append({ type: 'start', at });
    await claimAttempt(paths.attempts, {
      attempt: 1,
      model: 'sim',
      backend: 'sim',
      claimedAt: new Date(at).toISOString(),
    });
    const next = await host(dispatchDir, dir, { pidWaitMs: 200 });
    await until(() => stateOf(next.h.snapshot) === 'completed');
    expect(next.h.snapshot.context.attempt).toBe(1);
    expect(readdirSync(paths.attempts).filter((n) => n.endsWith('.json'))).toEqual(['1.json']);
    expect(readdirSync(paths.attempts).filter((n) => n.endsWith('.wrapper'))).toEqual(['1.wrapper']);
    await next.close();
  });
});
