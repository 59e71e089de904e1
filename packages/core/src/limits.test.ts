import { describe, expect, it } from 'vitest';
import { harness, plans, runningTask, T0, waitingForQuota } from '../test/harness.js';
import { advanceTo } from './advance.js';
import { replay, stateOf } from './replay.js';
import type { TaskError } from './types.js';

const { twoOpen, allDone, oneBlocked } = plans;
const quota = (resetAt?: number) => ({
  kind: 'quota' as const,
  message: 'claude: usage limit reached',
  ...(resetAt !== undefined && { resetAt }),
});
const exited = (cause: TaskError, plan = twoOpen, attempt = 1) =>
  ({ type: 'worker.exited', attempt, code: 1, signal: null, plan, cause }) as const;

describe('a quota that resets: the task waits in queued instead of failing', () => {
  it('waits until the reset its CLI named, then starts the next attempt as a retry (resuming the session)', () => {
    const h = runningTask();
    h.send(exited(quota(T0 + 25_000)));
    expect(h.state()).toBe('queued');
    expect(h.context().waiting).toEqual({
      reason: 'quota',
      until: T0 + 25_000,
      message: 'claude: usage limit reached',
    });
    expect(h.context().error).toBeNull();
    // The scheduler's start is refused until the reset.
    expect(h.actor.getSnapshot().can({ type: 'start', at: T0 + 24_999 })).toBe(false);
    h.clock.increment(24_999);
    expect(h.spawns).toHaveLength(1);
    h.clock.increment(1);
    expect(h.log).toContainEqual({ type: 'quota.reset', at: T0 + 25_000 });
    // (the harness starts a re-queued task as soon as the machine lets it)
    expect(h.spawns.at(-1)).toMatchObject({ attempt: 2, model: 'opus', startReason: 'retry' });
  });

  it('waits the configured cooldown when the CLI named no reset time', () => {
    const h = runningTask({ input: { quotaCooldownMs: 90_000 } });
    h.clock.increment(5_000);
    h.send(exited(quota()));
    expect(h.context().waiting?.until).toBe(T0 + 95_000);
  });

  it('the plan decides first: a quota exit with every item done completes, with a [?] blocks', () => {
    const done = runningTask();
    done.send(exited(quota(T0 + 1), allDone));
    expect(done.state()).toBe('completed');
    const blocked = runningTask();
    blocked.send(exited(quota(T0 + 1), oneBlocked));
    expect(blocked.state()).toBe('blocked');
  });

  it('a task told to fail on limits fails, as before', () => {
    const h = runningTask({ input: { onLimit: 'fail' } });
    h.send(exited(quota(T0 + 25_000)));
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual(quota(T0 + 25_000));
  });

  it('another task on a resting model waits with it (quota.wait), only ever later', () => {
    const h = harness();
    h.send({ type: 'quota.wait', until: T0 + 60_000, message: "opus's quota rests" });
    expect(h.context().waiting?.until).toBe(T0 + 60_000);
    h.send({ type: 'quota.wait', until: T0 + 30_000, message: 'earlier' });
    expect(h.context().waiting?.until).toBe(T0 + 60_000);
    h.clock.increment(60_000);
    expect(h.context().waiting).toBeNull();
    h.send({ type: 'start' });
    expect(h.state()).toBe('running');
  });

  it('cancel, retry --model and continue override the wait', () => {
    const cancelled = waitingForQuota();
    cancelled.send({ type: 'cancel' });
    expect(cancelled.state()).toBe('cancelled');
    const retried = waitingForQuota();
    retried.send({ type: 'retry', model: 'sonnet' });
    expect(retried.spawns.at(-1)).toMatchObject({ attempt: 2, model: 'sonnet', startReason: 'retry' });
    const continued = waitingForQuota();
    continued.send({ type: 'continue' });
    expect(continued.spawns.at(-1)).toMatchObject({ attempt: 2, model: 'opus', startReason: 'continue' });
    // Not waiting, a queued task has nothing to retry or continue.
    const fresh = harness();
    expect(fresh.actor.getSnapshot().can({ type: 'retry', at: T0 })).toBe(false);
    expect(fresh.actor.getSnapshot().can({ type: 'continue', at: T0 })).toBe(false);
  });

  it('replayed, and advanced past the reset with no host running, the log reaches the same state', () => {
    const h = waitingForQuota({ holdRequeued: true });
    const until = h.context().waiting!.until;
    expect(stateOf(replay(h.log))).toBe('queued');
    expect(replay(h.log).context.waiting?.until).toBe(until);
    const later = advanceTo(replay(h.log), until + 1);
    expect(later.events).toEqual([{ type: 'quota.reset', at: until }]);
    h.clock.increment(until - h.clock.now());
    expect(later.snapshot.context).toEqual(h.context());
  });
});

describe('a budget or time limit reached: the task is blocked, asking for a higher limit', () => {
  it('a budget stop blocks with what was spent, the limit and what is left; continue raises it', () => {
    const h = runningTask({ input: { budgetUsd: 0.5 } });
    h.send(
      exited({ kind: 'budget', message: 'claude: reached its spending limit of $0.50, $0.51 spent', spent: 0.51 }),
    );
    expect(h.state()).toBe('blocked');
    expect(h.context().error).toEqual({
      kind: 'budget',
      message: 'claude: reached its spending limit of $0.50, $0.51 spent; 2 of 3 items left',
      spent: 0.51,
      limit: 0.5,
    });
    expect(h.context().questions).toEqual([]);
    h.send({ type: 'continue', budgetUsd: 2 });
    expect(h.spawns.at(-1)).toMatchObject({ attempt: 2, startReason: 'continue', budgetUsd: 2 });
    expect(h.context().error).toBeNull();
  });

  it('the time limit stops the worker and blocks, no question pending; continue with a new limit resumes', () => {
    const h = runningTask({ input: { timeLimitMs: 60_000 } });
    h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT?' } });
    h.clock.increment(60_000);
    expect(h.state()).toBe('blocked');
    expect(h.stops).toEqual(['timeout']);
    expect(h.context().questions).toEqual([]);
    expect(h.context().error).toEqual({
      kind: 'time-limit',
      message: 'reached its time limit: ran 60 s of 60 s, an empty plan',
      spent: 60,
      limit: 60,
    });
    // The stopped worker's exit is recorded, and changes nothing.
    h.send({ type: 'worker.exited', attempt: 1, code: null, signal: 'SIGTERM', plan: twoOpen });
    expect(h.state()).toBe('blocked');
    h.send({ type: 'continue', timeLimitMs: 600_000 });
    expect(h.state()).toBe('running');
    expect(h.context().deadlines.task).toBe(h.clock.now() + 600_000);
  });

  it("a cluster engine's time limit (Slurm TIMEOUT, classified `timeout`) blocks as time-limit", () => {
    const h = runningTask();
    h.send(
      exited({ kind: 'timeout', message: "Slurm job 7 ended TIMEOUT: Slurm's time limit for the job was reached" }),
    );
    expect(h.state()).toBe('blocked');
    expect(h.context().error).toEqual({
      kind: 'time-limit',
      message: "Slurm job 7 ended TIMEOUT: Slurm's time limit for the job was reached; 2 of 3 items left",
    });
  });

  it('told to fail on limits, a budget stop fails with its cause', () => {
    const h = runningTask({ input: { onLimit: 'fail' } });
    const cause = { kind: 'budget' as const, message: 'claude: reached its spending limit', spent: 1 };
    h.send(exited(cause));
    expect(h.state()).toBe('failed');
    expect(h.context().error).toEqual(cause);
  });
});
