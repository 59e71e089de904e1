import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpkeepSchedule } from './upkeep-schedule.js';

// Fake timers: what is checked is which jobs run and how often, not how long anything takes.
beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('UpkeepSchedule', () => {
  it('runs each job every period, in the order given', async () => {
    const ran: string[] = [];
    const schedule = new UpkeepSchedule(
      [
        { name: 'a', everyMs: 1_000, run: async () => void ran.push('a') },
        { name: 'b', everyMs: 2_000, firstInMs: 1_000, run: async () => void ran.push('b') },
      ],
      (err) => {
        throw err;
      },
    );
    schedule.start();
    await vi.advanceTimersByTimeAsync(3_000);
    schedule.stop();
    expect(ran).toEqual(['a', 'b', 'a', 'a', 'b']);
  });

  it('arms no timer while no job is wanted, and runs one once a poke finds it wanted', async () => {
    let wanted = false;
    let runs = 0;
    const schedule = new UpkeepSchedule(
      [{ name: 'queue', everyMs: 2_000, wanted: () => wanted, run: async () => void runs++ }],
      (err) => {
        throw err;
      },
    );
    schedule.start();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(0);
    wanted = true;
    schedule.poke();
    await vi.advanceTimersByTimeAsync(0); // overdue: runs at once
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(runs).toBe(3);
    wanted = false;
    await vi.advanceTimersByTimeAsync(2_000); // the run that finds it unwanted arms nothing more
    expect(vi.getTimerCount()).toBe(0);
    schedule.stop();
  });

  it('goes on after a job fails, telling onError', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const schedule = new UpkeepSchedule(
      [
        { name: 'broken', everyMs: 1_000, run: () => Promise.reject(new Error('disk full')) },
        { name: 'fine', everyMs: 1_000, run: async () => void runs++ },
      ],
      (err) => void errors.push(err),
    );
    schedule.start();
    await vi.advanceTimersByTimeAsync(2_000);
    schedule.stop();
    expect(runs).toBe(2);
    expect(errors).toEqual([new Error('disk full'), new Error('disk full')]);
  });
});
