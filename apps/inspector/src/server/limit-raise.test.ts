import { deriveTask } from '@dispatch/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTask, tempWorkspace } from '../testing/fixture-task.js';
import { describeRaise, raiseOf } from './limit-raise.js';

describe('raiseOf: the limit a continue from the page raises', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  const derived = (id: string) => deriveTask(ws.dispatchDir, id);

  beforeAll(async () => {
    ws = await tempWorkspace();
    await fixtureTask(ws.dispatchDir, 'slow', 'blocked', { limit: { kind: 'time-limit', spent: 2, limit: 2 } });
    await fixtureTask(ws.dispatchDir, 'costly', 'blocked', { limit: { kind: 'budget', spent: 1.02, limit: 1 } });
    await fixtureTask(ws.dispatchDir, 'asking', 'blocked');
    await fixtureTask(ws.dispatchDir, 'resting', 'queued', { limit: { kind: 'quota', resetAt: Date.now() + 60_000 } });
  });
  afterAll(() => ws.cleanup());

  it('the fixtures are what the tests below take them for', async () => {
    expect((await derived('slow')).snapshot.context.error?.kind).toBe('time-limit');
    expect((await derived('costly')).snapshot.context.error).toMatchObject({ kind: 'budget', spent: 1.02, limit: 1 });
    expect((await derived('asking')).state).toBe('blocked');
    expect((await derived('resting')).snapshot.context.waiting).toMatchObject({ reason: 'quota' });
  });

  it('takes a whole number of seconds for a time limit and dollars for a budget', async () => {
    expect(raiseOf({ timeLimit: 600 }, await derived('slow'))).toEqual({ timeLimit: 600 });
    expect(raiseOf({ budgetUsd: 2.5 }, await derived('costly'))).toEqual({ budgetUsd: 2.5 });
  });

  it('refuses what is not a limit with 400, before looking at the task', async () => {
    const slow = await derived('slow');
    for (const timeLimit of [0, -5, 1.5, Number.POSITIVE_INFINITY, Number.NaN, '600', null])
      expect(raiseOf({ timeLimit } as never, slow)).toEqual({
        status: 400,
        message: 'timeLimit: a whole number of seconds, more than 0',
      });
    for (const budgetUsd of [0, -1, '5', true])
      expect(raiseOf({ budgetUsd } as never, slow)).toMatchObject({ status: 400, message: /^budgetUsd: / });
    expect(raiseOf({ timeLimit: 60, budgetUsd: 1 }, slow)).toMatchObject({ status: 400 });
  });

  it('refuses with 409 a task not blocked on that limit', async () => {
    expect(raiseOf({ budgetUsd: 5 }, await derived('slow'))).toEqual({
      status: 409,
      message: 'task slow is blocked on its time limit, not its budget: raise timeLimit',
    });
    expect(raiseOf({ timeLimit: 60 }, await derived('costly'))).toMatchObject({ status: 409 });
    expect(raiseOf({ timeLimit: 60 }, await derived('asking'))).toEqual({
      status: 409,
      message: 'task asking is not blocked on a limit (it is blocked): nothing to raise',
    });
    expect(raiseOf({ timeLimit: 60 }, await derived('resting'))).toMatchObject({ status: 409 });
  });

  it('says the raise for people', () => {
    expect(describeRaise({ timeLimit: 600 })).toBe('time limit raised to 10 min');
    expect(describeRaise({ timeLimit: 90 })).toBe('time limit raised to 90 s');
    expect(describeRaise({ budgetUsd: 5 })).toBe('budget raised to $5.00');
  });
});
