import { describe, expect, it } from 'vitest';
import { CONTRACT_COMMANDS } from './command-names.js';
import { editDistance, nearestName } from '@dispatch/config';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one each', () => {
    expect(editDistance('status', 'status')).toBe(0);
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('statu', 'status')).toBe(1);
    expect(editDistance('statsu', 'status')).toBe(1);
    expect(editDistance('stutas', 'status')).toBe(2);
    expect(editDistance('', 'run')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['cancle', 'cancel'],
      ['inbx', 'inbox'],
      ['x', 'merge'],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('nearestName', () => {
  it('suggests the closest command within distance 2', () => {
    expect(nearestName('stauts', CONTRACT_COMMANDS)).toBe('status');
    expect(nearestName('cancle', CONTRACT_COMMANDS)).toBe('cancel');
    expect(nearestName('Status', CONTRACT_COMMANDS)).toBe('status');
  });

  it('leaves exact names, far words and very short words alone', () => {
    expect(nearestName('status', CONTRACT_COMMANDS)).toBeUndefined();
    expect(nearestName('refactor', CONTRACT_COMMANDS)).toBeUndefined();
    expect(nearestName('a', CONTRACT_COMMANDS)).toBeUndefined();
  });
});
