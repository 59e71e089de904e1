import { describe, expect, it } from 'vitest';
import { harness, plan, runningTask, T0, plans, askedAndWaiting } from '../test/harness.js';

const { allDone, oneBlocked, oneError, twoOpen } = plans;

describe('task machine: exits', () => {
  it('completes only when the worker has exited with every item [x]', () => {
    const h = runningTask();
    h.send({ type: 'plan.changed', plan: allDone });
    h.send({ type: 'worker.done' });
    expect(h.state()).toBe('running');
    expect(h.context().doneMarker).toBe(true);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: allDone });
    expect(h.state()).toBe('completed');
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('exit with a [!] item → failed (plan-error), whatever the exit code', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneError });
    expect(h.state()).toBe('failed');
    expect(h.context().error?.kind).toBe('plan-error');
  });

  it('exit with a [?] item → blocked', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    expect(h.state()).toBe('blocked');
  });

  it('exit 0 with items still open → failed, kind incomplete (the plan is the contract)', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: twoOpen });
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual({
      kind: 'incomplete',
      message: 'the worker exited with code 0 with 2 of 3 items open',
    });
  });

  it('exit 0 with an empty plan is incomplete, not completed', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: plan({ total: 0 }) });
    expect(h.context().error?.kind).toBe('incomplete');
  });

  it('a non-zero exit keeps the cause a backend classified', () => {
    const h = runningTask();
    const cause = { kind: 'auth' as const, message: 'claude: not logged in' };
    h.send({ type: 'worker.exited', attempt: 1, code: 1, signal: null, plan: twoOpen, cause });
    expect(h.context().error).toEqual(cause);
  });

  it('an exit record of an older attempt changes nothing', () => {
    const h = runningTask();
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    h.send({ type: 'continue' });
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked });
    expect(h.state()).toBe('running');
  });

  it('a stalled worker fails the task and is stopped', () => {
    const h = runningTask();
    h.send({ type: 'worker.stalled' });
    expect(h.state()).toBe('failed');
    expect(h.context().error?.kind).toBe('stalled');
    expect(h.stops).toEqual(['stalled']);
  });

  it('a worker stopped while its output shows a cause (codex retrying a dead network) fails with that cause', () => {
    const network = { kind: 'network' as const, message: 'codex: cannot reach the API' };
    const stalled = runningTask();
    stalled.send({ type: 'worker.stalled', message: 'no output for 20 min', cause: network });
    expect(stalled.context().error).toEqual({
      kind: 'network',
      message: 'codex: cannot reach the API (stopped: no output for 20 min)',
    });
    expect(stalled.stops).toEqual(['stalled']);
    const timedOut = runningTask({ input: { onLimit: 'fail' } });
    timedOut.send({ type: 'task.timeout', cause: network });
    expect(timedOut.context().error).toEqual({
      kind: 'network',
      message: 'codex: cannot reach the API (stopped: the wall-clock limit passed)',
    });
    // Output with no known cause says nothing the stop does not.
    const unknown = runningTask({ input: { onLimit: 'fail' } });
    unknown.send({ type: 'task.timeout', cause: { kind: 'crash', message: 'codex exited with code null' } });
    expect(unknown.context().error).toEqual({ kind: 'timeout', message: 'the wall-clock limit passed' });
  });

  it('the wall-clock limit fails a task told to fail on limits, at the absolute deadline, and stops the worker', () => {
    const h = runningTask({ input: { timeLimitMs: 3_600_000, onLimit: 'fail' } });
    expect(h.context().deadlines.task).toBe(T0 + 3_600_000);
    h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
    h.clock.increment(3_600_000);
    expect(h.state()).toBe('failed');
    expect(h.context().error?.kind).toBe('timeout');
    expect(h.stops).toEqual(['timeout']);
  });
});

describe('task machine: recovery', () => {
  function failed() {
    const h = runningTask();
    h.send({
      type: 'worker.exited',
      attempt: 1,
      code: 1,
      signal: null,
      plan: twoOpen,
      cause: { kind: 'auth', message: 'not logged in' },
    });
    return h;
  }

  it('retry with the same model → recovering → starting (attempt 2)', () => {
    const h = failed();
    h.send({ type: 'retry' });
    expect(h.state()).toBe('running');
    expect(h.context()).toMatchObject({ attempt: 2, model: 'opus', modelsTried: ['opus'], error: null });
    expect(h.spawns.at(-1)?.startReason).toBe('retry');
  });

  it('retry with another model → recovering → starting with that model', () => {
    const h = failed();
    h.send({ type: 'retry', model: 'sonnet' });
    expect(h.context()).toMatchObject({ attempt: 2, model: 'sonnet', modelsTried: ['opus', 'sonnet'] });
    expect(h.spawns.at(-1)?.model).toBe('sonnet');
  });

  it('a host that finds no alternative leaves the task failed with the reason', () => {
    const h = harness({
      chooseModel: (input, sendBack) =>
        sendBack({
          type: 'recovery.failed',
          error: { kind: 'no-alternative', message: `no model left besides ${input.modelsTried.join(', ')}` },
          at: input.at,
        }),
    });
    h.send({ type: 'start' });
    h.send({ type: 'worker.exited', attempt: 1, code: 127, signal: null, plan: twoOpen });
    h.send({ type: 'retry' });
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual({ kind: 'no-alternative', message: 'no model left besides opus' });
    expect(h.spawns).toHaveLength(1);
  });

  it('the chooser sees the requested model, the models tried and the error', () => {
    const seen: unknown[] = [];
    const h = harness({ chooseModel: (input) => void seen.push(input), input: { onLimit: 'fail' } });
    h.send({ type: 'start' });
    h.send({
      type: 'worker.exited',
      attempt: 1,
      code: 1,
      signal: null,
      plan: twoOpen,
      cause: { kind: 'quota', message: '429' },
    });
    h.send({ type: 'retry', model: 'sonnet' });
    expect(h.state()).toBe('recovering');
    expect(seen).toEqual([
      {
        id: 'demo-task',
        requested: 'sonnet',
        current: 'opus',
        modelsTried: ['opus'],
        error: { kind: 'quota', message: '429' },
        at: T0,
      },
    ]);
  });
});

describe('task machine: exits after the answer deadline', () => {
  it('a crash after the deadline keeps its classified cause: failed, not blocked', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    const cause = { kind: 'auth' as const, message: 'token expired' };
    h.send({ type: 'worker.exited', attempt: 1, code: 1, signal: null, plan: twoOpen, cause });
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual(cause);
  });

  it('a worker that gave up with exit 0 and open items is blocked', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: twoOpen });
    expect(h.state()).toBe('blocked');
  });

  it('the grace stop is recorded (so the log shows why the worker died) and its signal is not a crash', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    const before = h.actor.getSnapshot();
    h.clock.increment(60_000);
    expect(h.actor.getSnapshot()).not.toBe(before);
    expect(h.context().stopRequested).toBe(true);
    expect(h.log.map((e) => e.type)).toContain('answer.grace-expired');
    h.send({ type: 'worker.exited', attempt: 1, code: null, signal: 'SIGTERM', plan: twoOpen });
    expect(h.state()).toBe('blocked');
  });
});

describe('task machine: an answer the worker never saw is not lost', () => {
  it('answer after the deadline, then the worker (already past its own timeout) exits at [?]: the task continues', () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    h.send({ type: 'question.answered', question: { seq: 1 } });
    expect(h.state()).toBe('running');
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked, acks: [] });
    expect(h.state()).toBe('running');
    expect(h.context()).toMatchObject({ attempt: 2, startReason: 'late-answer' });
  });

  it('an answer the worker acknowledged does not restart it', () => {
    const h = askedAndWaiting();
    h.send({ type: 'question.answered', question: { seq: 1 } });
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked, acks: [1] });
    expect(h.state()).toBe('blocked');
  });

  it('answers of earlier attempts do not restart the next worker again and again', () => {
    const h = askedAndWaiting();
    h.send({ type: 'question.answered', question: { seq: 1 } });
    h.send({ type: 'worker.exited', attempt: 1, code: 0, signal: null, plan: oneBlocked, acks: [] });
    expect(h.context().attempt).toBe(2);
    h.send({ type: 'worker.exited', attempt: 2, code: 0, signal: null, plan: oneBlocked, acks: [] });
    expect(h.state()).toBe('blocked');
  });
});
