import { describe, expect, it } from 'vitest';
import { findQuotaReset } from './reset-time.js';

const exitedAt = new Date('2026-11-24T08:00:00Z');

describe('findQuotaReset', () => {
  it('counts a relative reset from the exit', () => {
    expect(findQuotaReset('Rate limit reached for requests. Please try again in 20s.', exitedAt)).toEqual({
      at: '2026-11-24T08:00:20.000Z',
      text: 'in 20s',
    });
    expect(findQuotaReset("You've hit your usage limit. Try again in 2 days 3 hours.", exitedAt)?.at).toBe(
      '2026-11-26T11:00:00.000Z',
    );
    expect(findQuotaReset('Please retry in 1m30s', exitedAt)?.at).toBe('2026-11-24T08:01:30.000Z');
  });

  it("reads Claude's epoch form and ISO times", () => {
    expect(findQuotaReset('Claude AI usage limit reached|1795600800')?.at).toBe(
      new Date(1795600800 * 1000).toISOString(),
    );
    expect(findQuotaReset('limit resets at 2026-11-24T09:00:00Z')).toEqual({
      at: '2026-11-24T09:00:00.000Z',
      text: '2026-11-24T09:00:00Z',
    });
  });

  it("takes Codex's wall-clock time as the next such moment, in local time", () => {
    const morning = new Date(2026, 10, 24, 8, 20);
    expect(findQuotaReset('purchase more credits or try again at 12:00 PM.', morning)).toEqual({
      at: new Date(2026, 10, 24, 12, 0).toISOString(),
      text: 'at 12:00 PM',
    });
    expect(findQuotaReset('try again at 7:30 AM', morning)?.at).toBe(new Date(2026, 10, 25, 7, 30).toISOString());
    expect(findQuotaReset('try again at 12:00 AM', morning)?.at).toBe(new Date(2026, 10, 25, 0, 0).toISOString());
    // Printed as 8:20 struck, seen a moment later: the reset is now, not tomorrow at 8:20.
    const justAfter = new Date(2026, 10, 24, 8, 20, 1);
    expect(findQuotaReset('try again at 8:20 AM', justAfter)?.at).toBe(new Date(2026, 10, 24, 8, 20).toISOString());
  });

  it('keeps a reset it cannot compute in the words of the CLI', () => {
    expect(findQuotaReset("You've hit your limit · resets 3pm (UTC)")).toEqual({ text: '3pm (UTC)' });
  });

  it('finds none where none is said', () => {
    expect(findQuotaReset('exceeded retry limit, last status: 429 Too Many Requests', exitedAt)).toBeNull();
  });

  it('without an exit time, says a relative reset but computes no moment', () => {
    expect(findQuotaReset('try again in 20s')).toEqual({ text: 'in 20s' });
  });
});
