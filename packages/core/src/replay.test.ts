import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { harness, plan, runningTask, T0 } from '../test/harness.js';
import { createDeadlineLogic, replay, stateOf, taskMachine, type LogEvent } from './index.js';
import type { TaskEvent } from './events.js';

const twoOpen = plan({ total: 3, done: 1 });

/** Live runs whose logs replay must reproduce, each ending in a different state. */
const scenarios: Record<string, () => ReturnType<typeof harness>> = {
  'answered question': () => {
    const h = runningTask();
    h.send({ type: 'plan.changed', plan: plan({ total: 3, done: 1 }) });
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT?' } });
    h.clock.increment(5_000);
    h.send({ type: 'question.answered', question: { seq: 1 } });
    return h;
  },
  'timed out, then blocked, then a late answer': () => {
    const h = runningTask();
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT?' } });
    h.clock.increment(180_000);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: plan({ total: 3, blocked: 1 }) });
    h.clock.increment(3_600_000);
    h.send({ type: 'question.answered', question: { seq: 1 } });
    return h;
  },
  'failed and retried with another model': () => {
    const h = runningTask();
    h.send({
      type: 'worker.exited',
      attempt: 1,
      code: 1,
      signal: null,
      plan: twoOpen,
      cause: { kind: 'auth', message: 'login' },
    });
    h.send({ type: 'retry', model: 'sonnet' });
    h.send({ type: 'worker.exited', attempt: 2, code: 0, signal: null, plan: plan({ total: 3, done: 3 }) });
    return h;
  },
  'cancelled while waiting': () => {
    const h = runningTask();
    h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
    h.send({ type: 'cancel' });
    return h;
  },
};

describe('replay', () => {
  for (const [name, run] of Object.entries(scenarios)) {
    it(`rebuilds the live state from the log: ${name}`, () => {
      const h = run();
      const replayed = replay(h.log);
      expect(replayed.value).toEqual(h.state());
      expect(replayed.context).toEqual(h.context());
      expect(replayed.status).toBe(h.actor.getSnapshot().status);
    });
  }

  it('the logs above cover deadlines fired by the clock, as events', () => {
    const types = scenarios['timed out, then blocked, then a late answer']!().log.map((e) => e.type);
    expect(types).toContain('answer.timeout');
  });

  it('skips unknown event types and notes of states entered', () => {
    const h = runningTask();
    const log: LogEvent[] = [...h.log, { type: 'state.entered', at: T0 }, { type: 'from.the.future', at: T0 }];
    expect(stateOf(replay(log))).toBe('running');
  });

  it('reads a log from before continues were queued: the next attempt follows `continue` without a `start`', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: plan({ total: 3, done: 1, blocked: 1 }) });
    h.send({ type: 'continue', model: 'sonnet' });
    h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
    const current = h.log;
    expect(current.filter((e) => e.type === 'start')).toHaveLength(2); // today's logs carry it
    const old = current.filter((e, i) => !(e.type === 'start' && i > 1));
    const restored = replay(old);
    expect([stateOf(restored), restored.context.attempt, restored.context.model]).toEqual([
      'awaiting-answer',
      2,
      'sonnet',
    ]);
    expect(restored.context).toEqual(h.context());
  });

  it('reads a log from before continues were queued in which the next worker asked before its start was logged', () => {
    const h = harness({ autoStart: false });
    h.send({ type: 'start' });
    h.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1 });
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: plan({ total: 3, done: 1, blocked: 1 }) });
    h.send({ type: 'continue' });
    h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } }); // a restarted host found it first
    h.send({ type: 'worker.started', attempt: 2, model: 'opus', pid: 2 });
    expect([h.state(), h.context().questions.map((q) => q.seq)]).toEqual(['awaiting-answer', [1]]);
    const old = h.log.filter((e, i) => !(e.type === 'start' && i > 1));
    expect(old.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(replay(old).context).toEqual(h.context());
  });

  it('refuses a log that does not start with task.created', () => {
    expect(() => replay([{ type: 'start', at: T0 }])).toThrow(/task.created/);
  });

  it('ignores events after a final state', () => {
    const h = runningTask();
    h.send({ type: 'cancel' });
    expect(stateOf(replay([...h.log, { type: 'retry', at: T0 }]))).toBe('cancelled');
  });
});

describe('restore', () => {
  it('re-arms the answer deadline at the original moment, not a fresh timeout', () => {
    const h = runningTask();
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT?' } });
    h.actor.stop(); // the daemon dies

    const clock = new SimulatedClock();
    clock.set(T0 + 100_000); // a new daemon starts 100 s later and rebuilds the task from its log
    const snapshot = taskMachine.getPersistedSnapshot(replay(h.log));
    const actor = createActor(taskMachine.provide({ actors: { deadline: createDeadlineLogic(clock) } }), {
      snapshot,
      input: h.input,
      clock,
    }).start();
    expect(actor.getSnapshot().value).toBe('awaiting-answer');
    clock.increment(79_999);
    expect(actor.getSnapshot().value).toBe('awaiting-answer');
    clock.increment(1);
    expect(actor.getSnapshot().value).toBe('timed-out');
  });

  it('fires a deadline that passed while no daemon ran at once', () => {
    const h = runningTask({ input: { timeLimitMs: 60_000 } });
    h.actor.stop();
    const clock = new SimulatedClock();
    clock.set(T0 + 3_600_000);
    const snapshot = taskMachine.getPersistedSnapshot(replay(h.log));
    const actor = createActor(taskMachine.provide({ actors: { deadline: createDeadlineLogic(clock) } }), {
      snapshot,
      clock,
      input: h.input,
    }).start();
    clock.increment(0);
    expect(actor.getSnapshot().value).toBe('blocked');
    expect(actor.getSnapshot().context.error?.kind).toBe('time-limit');
  });
});

describe('createDeadlineLogic', () => {
  it('sends the event the host completed (a timeout with the cause the output shows), and none once stopped', async () => {
    const clock = new SimulatedClock();
    clock.set(T0);
    const cause = { kind: 'network' as const, message: 'codex: cannot reach the API' };
    const complete = async (event: TaskEvent) => ({ ...event, cause }) as TaskEvent;
    const input = { id: 't', model: 'opus', createdAt: T0, timeLimitMs: 60_000 };
    const actor = createActor(taskMachine.provide({ actors: { deadline: createDeadlineLogic(clock, complete) } }), {
      input,
      clock,
    }).start();
    actor.send({ type: 'start', at: T0 });
    actor.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1, at: T0 });
    clock.increment(60_000);
    await vi.waitUntil(() => actor.getSnapshot().value === 'blocked');
    expect(actor.getSnapshot().context.error).toEqual({
      kind: 'time-limit',
      message:
        'reached its time limit: ran 60 s of 60 s, an empty plan (its output shows: codex: cannot reach the API)',
      spent: 60,
      limit: 60,
    });

    // Cancelled while the host was still reading the log: the late timeout changes nothing.
    const late = createActor(taskMachine.provide({ actors: { deadline: createDeadlineLogic(clock, complete) } }), {
      input: { ...input, createdAt: clock.now() },
      clock,
    }).start();
    late.send({ type: 'start', at: clock.now() });
    late.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1, at: clock.now() });
    clock.increment(60_000);
    late.send({ type: 'cancel', at: clock.now() });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(late.getSnapshot().value).toBe('cancelled');
  });

  it('waits past the 24.8-day timer limit in steps instead of firing at once', () => {
    // A simulated clock that, like Node, fires a timer longer than 2^31-1 ms after 1 ms.
    const clock = new SimulatedClock();
    clock.set(T0);
    const nodeLike = {
      now: () => clock.now(),
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms > 2 ** 31 - 1 ? 1 : ms),
      clearTimeout: (h: unknown) => clock.clearTimeout(h as number),
    };
    const input = { id: 't', model: 'opus', createdAt: T0, timeLimitMs: 40 * 24 * 3_600_000 };
    const actor = createActor(taskMachine.provide({ actors: { deadline: createDeadlineLogic(nodeLike) } }), {
      input,
      clock,
    }).start();
    actor.send({ type: 'start', at: T0 });
    actor.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1, at: T0 });
    clock.increment(1_000);
    expect(actor.getSnapshot().value).toBe('running');
    clock.increment(2 ** 31);
    expect(actor.getSnapshot().value).toBe('running');
    clock.increment(40 * 24 * 3_600_000 - 2 ** 31 - 1_000);
    expect(actor.getSnapshot().value).toBe('blocked');
  });
});
