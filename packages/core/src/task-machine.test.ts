import { describe, expect, it } from 'vitest';
import { harness, runningTask, T0, plans, askedAndWaiting, reachState } from '../test/harness.js';
import { TASK_STATES, FINAL_STATES } from './index.js';

const { allDone, oneBlocked, twoOpen } = plans;

describe('task machine: start', () => {
  it('queued → starting → running, claiming attempt 1 with the task model', () => {
    const h = harness({ autoStart: false });
    expect(h.state()).toBe('queued');
    h.send({ type: 'start' });
    expect(h.state()).toBe('starting');
    expect(h.spawns).toEqual([{ id: 'demo-task', attempt: 1, model: 'opus', startReason: 'first', budgetUsd: null }]);
    h.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 42 });
    expect(h.state()).toBe('running');
    expect(h.context()).toMatchObject({ attempt: 1, modelsTried: ['opus'], workerPid: 42 });
  });

  it('a spawn error fails the task with its class', () => {
    const h = harness({ autoStart: false });
    h.send({ type: 'start' });
    h.send({
      type: 'worker.spawn-failed',
      attempt: 1,
      error: { kind: 'cli-missing', message: 'codex: command not found' },
    });
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual({ kind: 'cli-missing', message: 'codex: command not found' });
  });

  it('a worker that exits before its start was recorded is classified all the same', () => {
    const h = harness({ autoStart: false });
    h.send({ type: 'start' });
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: allDone });
    expect(h.state()).toBe('completed');
  });

  it('a failed dependency fails a queued task with kind dependency', () => {
    const h = harness();
    h.send({ type: 'dependency.failed', message: 'api-tests was cancelled' });
    expect(h.state()).toBe('failed');
    expect(h.context().error?.kind).toBe('dependency');
  });
});

describe('task machine: questions', () => {
  it('question → awaiting-answer → answer → running', () => {
    const h = askedAndWaiting();
    expect(h.state()).toBe('awaiting-answer');
    expect(h.context().questions).toEqual([{ seq: 1, text: 'JWT or sessions?', askedAt: T0 }]);
    expect(h.context().deadlines.answer).toBe(T0 + 180_000);
    expect(h.actor.getSnapshot().hasTag('needs-user')).toBe(true);
    h.send({ type: 'question.answered', question: { seq: 1 } });
    expect(h.state()).toBe('running');
    expect(h.context().questions).toEqual([]);
  });

  it('a question seen twice is recorded once', () => {
    const h = askedAndWaiting();
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT or sessions?' } });
    expect(h.context().questions).toHaveLength(1);
  });

  it('answers questions in order; the deadline follows the oldest pending one', () => {
    const h = askedAndWaiting();
    h.clock.increment(10_000);
    h.send({ type: 'question.asked', question: { seq: 2, text: 'And the tests?' } });
    h.send({ type: 'question.answered', question: { seq: 1 } });
    expect(h.state()).toBe('awaiting-answer');
    expect(h.context().deadlines.answer).toBe(T0 + 10_000 + 180_000);
    h.send({ type: 'question.answered', question: { seq: 2 } });
    expect(h.state()).toBe('running');
  });

  it('answer timeout → timed-out → an answer still in time → running', () => {
    const h = askedAndWaiting();
    h.clock.increment(179_999);
    expect(h.state()).toBe('awaiting-answer');
    h.clock.increment(1);
    expect(h.state()).toBe('timed-out');
    h.send({ type: 'question.answered', question: { seq: 1 } });
    expect(h.state()).toBe('running');
    expect(h.stops).toEqual([]);
  });

  it('timed-out → worker exits with [?] → blocked → continue with an answer → starting', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    expect(h.state()).toBe('blocked');
    h.send({ type: 'continue', model: null });
    expect(h.state()).toBe('running');
    expect(h.spawns.at(-1)).toEqual({
      id: 'demo-task',
      attempt: 2,
      model: 'opus',
      startReason: 'continue',
      budgetUsd: null,
    });
  });

  it('a worker that does not give up after the grace period is stopped, and its exit blocks the task', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    h.clock.increment(59_999);
    expect(h.stops).toEqual([]);
    h.clock.increment(1);
    expect(h.stops).toEqual(['answer-grace']);
    expect(h.state()).toBe('timed-out');
    h.send({ type: 'worker.exited', attempt: 1, code: null, signal: 'SIGTERM', plan: twoOpen });
    expect(h.state()).toBe('blocked');
  });

  it('the worker giving up before the dispatcher deadline blocks the task at once', () => {
    const h = askedAndWaiting();
    h.clock.increment(120_000);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    expect(h.state()).toBe('blocked');
    h.clock.increment(120_000);
    expect(h.state()).toBe('blocked');
  });

  it('an answer that arrives after the worker gave up continues the task instead of being lost', () => {
    const h = askedAndWaiting();
    h.clock.increment(200_000);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    h.send({ type: 'question.answered', question: { seq: 1 } });
    expect(h.state()).toBe('running');
    expect(h.spawns.at(-1)?.startReason).toBe('late-answer');
    expect(h.context().attempt).toBe(2);
  });

  it('a worker exiting without [?] while a question is pending fails the task', () => {
    const h = askedAndWaiting();
    h.send({ type: 'worker.exited', attempt: 1, code: 1, signal: null, plan: twoOpen });
    expect(h.state()).toBe('failed');
    expect(h.context().error?.kind).toBe('crash');
  });
});

describe('task machine: cancel', () => {
  const reach = reachState;

  it('covers every non-final state', () => {
    expect(Object.keys(reach).sort()).toEqual(TASK_STATES.filter((s) => !FINAL_STATES.includes(s)).sort());
  });

  for (const [state, make] of Object.entries(reach)) {
    it(`cancel from ${state} → cancelled, and the worker is stopped`, () => {
      const h = make();
      expect(h.state()).toBe(state);
      h.send({ type: 'cancel' });
      expect(h.state()).toBe('cancelled');
      expect(h.stops).toContain('cancel');
      expect(h.actor.getSnapshot().status).toBe('done');
    });
  }
});

describe('task machine: facts seen twice or out of order', () => {
  it('a repeated fact leaves the snapshot object unchanged (so hosts log it once)', () => {
    const h = runningTask();
    const facts = [
      { type: 'plan.changed', plan: twoOpen },
      { type: 'worker.done' },
      { type: 'question.asked', question: { seq: 1, text: 'q' } },
      { type: 'question.answered', question: { seq: 1 } },
      { type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked, acks: [1] },
    ] as const;
    for (const fact of facts) {
      h.send(fact);
      const after = h.actor.getSnapshot();
      h.send(fact);
      expect(h.actor.getSnapshot()).toBe(after);
    }
    expect(h.state()).toBe('blocked');
  });

  it('an exit record of an older attempt leaves the snapshot unchanged', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    h.send({ type: 'continue' });
    const before = h.actor.getSnapshot();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    expect(h.actor.getSnapshot()).toBe(before);
  });

  it('an answer seen before its question leaves nothing pending', () => {
    const h = runningTask();
    h.send({ type: 'question.answered', question: { seq: 1 } });
    h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
    expect(h.state()).toBe('running');
    expect(h.context()).toMatchObject({ questions: [], asked: [1], answered: [1] });
  });

  it('a question of a superseded worker is not asked again after a restart', () => {
    const h = askedAndWaiting();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    h.send({ type: 'continue' });
    expect(h.context().questions).toEqual([]);
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT or sessions?' } });
    expect(h.state()).toBe('running');
  });
});
