import { describe, expect, it } from 'vitest';
import { countdown, hourMinute, quotaWaitText } from './format.js';

describe('the page counts down', () => {
  it('minutes and seconds, hours past an hour, never below zero', () => {
    expect(countdown(272_000)).toBe('4:32');
    expect(countdown(999)).toBe('0:01');
    expect(countdown(3_725_000)).toBe('1:02:05');
    expect(countdown(-5000)).toBe('0:00');
  });

  it('a quota wait to its reset, then says the task starts again', () => {
    const until = new Date(2026, 2, 3, 14, 5).getTime();
    expect(quotaWaitText(until, until - 272_000)).toBe('waiting for quota — resets in 4:32, at 14:05');
    expect(quotaWaitText(until, until)).toBe('quota reset at 14:05 — starting again…');
    expect(quotaWaitText(until, until + 60_000)).toBe('quota reset at 14:05 — starting again…');
  });

  it('names the day of a reset that is not today', () => {
    const now = new Date(2026, 2, 3, 23, 0).getTime();
    // The date's words are the locale's (`Mar 4` in English).
    expect(hourMinute(new Date(2026, 2, 4, 1, 30).getTime(), now)).toMatch(/^.+4.*, 01:30$/);
    expect(hourMinute(new Date(2026, 2, 3, 23, 30).getTime(), now)).toBe('23:30');
  });
});
