import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { harness, plan, runningTask, T0, waitingForQuota } from '../test/harness.js';
import {
  advanceTo,
  dueDeadline,
  logInspector,
  replay,
  stateOf,
  taskMachine,
  type TaskEvent,
  type TaskState,
} from './index.js';

describe('advanceTo: deadlines that passed while no host ran', () => {
  it('reaches the state a live host reaches, through the same events', () => {
    const live = runningTask({ input: { answerTimeoutMs: 180_000, graceMs: 60_000 } });
    live.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
    const asked = [...live.log];
    live.clock.increment(180_000);
    live.clock.increment(60_000);
    expect(live.state()).toBe('timed-out');

    const { snapshot, events } = advanceTo(replay(asked), T0 + 300_000);
    expect(events).toEqual([
      { type: 'answer.timeout', question: { seq: 1 }, at: T0 + 180_000 },
      { type: 'answer.grace-expired', at: T0 + 240_000 },
    ]);
    expect(snapshot.context).toEqual(live.context());
    expect(live.log.slice(asked.length)).toEqual(events);
  });

  it('stops before deadlines that are not due, and blocks a task past its wall-clock limit', () => {
    const h = runningTask({ input: { timeLimitMs: 60_000 } });
    expect(advanceTo(replay(h.log), T0 + 59_999).events).toEqual([]);
    const { snapshot, events } = advanceTo(replay(h.log), T0 + 3_600_000);
    expect(events).toEqual([{ type: 'task.timeout', at: T0 + 60_000 }]);
    expect(stateOf(snapshot)).toBe('blocked');
    expect(snapshot.context.error).toMatchObject({ kind: 'time-limit', spent: 60, limit: 60 });
    const cause = { kind: 'network' as const, message: 'codex: cannot reach the model API' };
    const stuck = advanceTo(replay(h.log), T0 + 3_600_000, { timeoutCause: cause });
    expect(stuck.events).toEqual([{ type: 'task.timeout', at: T0 + 60_000, cause }]);
    expect(stuck.snapshot.context.error?.message).toContain('(its output shows: codex: cannot reach the model API)');
  });

  it("knows the deadline of every state that keeps one (mirrors the machine's deadline invocations)", () => {
    const withDeadlines = Object.entries(taskMachine.root.states)
      .filter(([, node]) => node.invoke.some((i) => i.src === 'deadline'))
      .map(([key]) => key)
      .sort();
    expect(withDeadlines).toEqual(['awaiting-answer', 'queued', 'running', 'timed-out']);
    const h = harness();
    expect(dueDeadline(h.actor.getSnapshot(), Number.MAX_SAFE_INTEGER)).toBeNull();
    // queued keeps one only while it waits for a quota to reset.
    const waiting = waitingForQuota();
    const until = waiting.context().waiting!.until;
    expect(dueDeadline(replay(waiting.log), until - 1)).toBeNull();
    expect(dueDeadline(replay(waiting.log), until)).toEqual({ type: 'quota.reset', at: until });
  });
});

describe('logInspector', () => {
  it('reports each changing event once, and each state note right after its cause', () => {
    const lines: string[] = [];
    const actor = createActor(taskMachine, {
      input: { id: 't', model: 'opus', createdAt: T0 },
      inspect: logInspector({
        event: (e) => lines.push(e.type),
        state: (to: TaskState, from: TaskState, cause: TaskEvent) => lines.push(`${from}→${to} (${cause.type})`),
      }),
    }).start();
    const send = (e: object) => actor.send({ at: T0, ...e } as TaskEvent);
    send({ type: 'start' });
    send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1 });
    send({ type: 'plan.changed', plan: plan({ total: 2, done: 1 }) });
    send({ type: 'plan.changed', plan: plan({ total: 2, done: 1 }) });
    send({ type: 'continue' });
    send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: plan({ total: 2, done: 2 }) });
    expect(lines).toEqual([
      'start',
      'queued→starting (start)',
      'worker.started',
      'starting→running (worker.started)',
      'plan.changed',
      'worker.exited',
      'running→completed (worker.exited)',
    ]);
  });
});
