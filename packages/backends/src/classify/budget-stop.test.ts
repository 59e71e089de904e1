import { describe, expect, it } from 'vitest';
import { formatUsd } from './budget-stop.js';

describe('formatUsd', () => {
  it('shows cents from a cent up and two significant digits below', () => {
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.0006000000000000001)).toBe('$0.0006');
    expect(formatUsd(0.000123)).toBe('$0.00012');
    expect(formatUsd(0)).toBe('$0');
  });
});
