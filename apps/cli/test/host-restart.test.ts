import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { replay, stateOf, type TaskState } from '@dispatch/core';
import { createFactSource, listIpc, readEventLog, readExitRecord, toMachineEvents, writeAnswer } from '@dispatch/ipc-fs';
import { simWorkerCommand } from '@dispatch/backends';
import { TaskHost } from '../src/host/task-host.js';

const bin = new URL('../dist/dispatch.js', import.meta.url).pathname;

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a host killed with SIGKILL mid-task', () => {
  it('loses nothing: the pending question stays answerable, the worker is followed to its end by the next host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-crash-'));
    const dispatchDir = join(dir, '.dispatch');
    const taskDir = join(dispatchDir, 'tasks', 'security-review');
    const events = join(taskDir, 'events.jsonl');
    const demo = execa('node', [bin, 'demo', '--dir', dir, '--step', '0.05'], { reject: false });

    // Kill the host once it has logged the question, before its scripted user can answer.
    await waitFor(async () => (await readEventLog(events)).events.some((e) => e.type === 'question.asked'));
    demo.kill('SIGKILL');
    expect((await demo).signal).toBe('SIGKILL');

    // No dispatcher runs now. The user answers anyway; the worker, which outlived the host, goes on.
    await writeAnswer(join(taskDir, 'ipc'), 1, 'JWT');
    await waitFor(() => readExitRecord(join(taskDir, 'attempts'), 1).then((r) => r ?? undefined));

    // The next host rebuilds the task from the files and records what happened meanwhile.
    const states: TaskState[] = [];
    const host = await TaskHost.start({
      id: 'security-review',
      dispatchDir,
      cwd: dir,
      env: { PATH: process.env.PATH },
      answerTimeoutSeconds: 60,
      bin: 'dispatch',
      resolveWorker: () => ({ backend: 'sim', command: simWorkerCommand(), modelFlag: null }),
      onState: (state) => states.push(state),
    });
    const source = await createFactSource({ dispatchDir, onFact: (f) => host.handleFact(f) });
    expect(stateOf(host.snapshot)).toBe('completed');
    await source.close();
    await host.stop();

    const log = (await readEventLog(events)).events;
    expect(stateOf(replay(toMachineEvents(log)))).toBe('completed');
    expect(log.filter((e) => e.type === 'question.asked')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'question.answered')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'worker.started')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'state.entered').map((e) => e.state)).toEqual(['starting', 'running', 'awaiting-answer', 'running', 'completed']);
    expect(readdirSync(join(taskDir, 'attempts')).filter((n) => n.endsWith('.json'))).toEqual(['1.json']);
    const ipc = await listIpc(join(taskDir, 'ipc'));
    expect([...ipc.answers]).toEqual([1]);
    expect([...ipc.acks]).toEqual([1]);
  });
});
