import { describe, expect, it } from 'vitest';
import { isWellFormedEvent } from './event-shape.js';
import { replay } from './replay.js';

const created = { type: 'task.created', at: 1, input: { id: 't', model: 'sim', createdAt: 1 } };

describe('isWellFormedEvent', () => {
  it('accepts the events the machine writes, and types it does not know', () => {
    expect(isWellFormedEvent(created)).toBe(true);
    expect(isWellFormedEvent({ type: 'question.asked', at: 2, question: { seq: 1, text: 'JWT?' } })).toBe(true);
    expect(
      isWellFormedEvent({
        type: 'worker.exited',
        at: 3,
        attempt: 1,
        code: 0,
        signal: null,
        plan: { total: 1, done: 1, pending: 0, blocked: 0, error: 0 },
        acks: [1],
      }),
    ).toBe(true);
    expect(isWellFormedEvent({ type: 'worker.teleported', at: 4 })).toBe(true);
  });

  it('refuses a known type without the facts the machine reads (it would throw inside a guard)', () => {
    const asked = { type: 'question.asked', at: 2 };
    expect(isWellFormedEvent(asked)).toBe(false);
    expect(() => replay([created, asked] as never)).toThrow(); // why readers must check first
    expect(isWellFormedEvent({ type: 'worker.exited', at: 3, attempt: '1', plan: {} })).toBe(false);
    expect(isWellFormedEvent({ type: 'task.created', at: 1, input: { id: 't' } })).toBe(false);
    expect(isWellFormedEvent({ type: 'start', at: Number.NaN })).toBe(false);
  });
});
