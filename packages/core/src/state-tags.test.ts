import { describe, expect, it } from 'vitest';
import {
  accepts,
  FINAL_STATES,
  getTaskMachine,
  replay,
  STATE_TAGS,
  taskMachine,
  TASK_STATES,
  hasWorker,
  holdsSlot,
  isFinalState,
  isLive,
  needsUser,
  type TaskState,
} from './index.js';

const where = (test: (s: TaskState) => boolean) => TASK_STATES.filter(test);

describe('state tags: what a state means, asked of the machine', () => {
  it("final states are the machine's final states, and FINAL_STATES names them", () => {
    expect(where(isFinalState)).toEqual(['completed', 'cancelled']);
    expect(where((s) => getTaskMachine().states[s]?.type === 'final')).toEqual(where(isFinalState));
    expect([...FINAL_STATES].sort()).toEqual(where(isFinalState).sort());
  });

  it('every state of the machine carries exactly its STATE_TAGS, and there is one machine', () => {
    for (const s of TASK_STATES) expect([s, [...getTaskMachine().states[s]!.tags]]).toEqual([s, [...STATE_TAGS[s]]]);
    expect(getTaskMachine()).toBe(taskMachine);
  });

  it('live: every state but those at rest (blocked, failed and the final ones)', () => {
    expect(where(isLive)).toEqual(['queued', 'starting', 'running', 'awaiting-answer', 'timed-out', 'recovering']);
  });

  it('a worker slot is held from starting until the worker is done with its question', () => {
    expect(where(holdsSlot)).toEqual(['starting', 'running', 'awaiting-answer', 'timed-out']);
    expect(where(hasWorker)).toEqual(['running', 'awaiting-answer', 'timed-out']);
  });

  it('the user is needed for a question, a block and a failure', () => {
    expect(where(needsUser)).toEqual(['awaiting-answer', 'timed-out', 'blocked', 'failed']);
  });

  it('no final state is live, holds a slot or needs the user', () => {
    for (const s of where(isFinalState)) expect([isLive(s), holdsSlot(s), needsUser(s)]).toEqual([false, false, false]);
  });

  it('a task accepts an event only while it has not ended: a cancelled task takes no second cancel', () => {
    const created = { type: 'task.created', at: 1, input: { id: 't', model: 'm', createdAt: 1 } } as const;
    const queued = replay([created]);
    expect(accepts(queued, { type: 'cancel', at: 2 })).toBe(true);
    expect(accepts(queued, { type: 'retry', model: null, at: 2 })).toBe(false);
    const cancelled = replay([created, { type: 'cancel', at: 2 }]);
    expect(cancelled.value).toBe('cancelled');
    expect(accepts(cancelled, { type: 'cancel', at: 3 })).toBe(false);
  });
});
