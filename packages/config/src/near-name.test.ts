import { describe, expect, it } from 'vitest';
import { editDistance, findNearName } from './near-name.js';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['opus', 'opus', 0],
    ['opsu', 'opus', 1],
    ['sonet', 'sonnet', 1],
    ['OPUS', 'opus', 0],
    ['', 'gpt-5', 5],
    ['gpt-5.3-codex', 'gpt-5.2-codex', 1],
  ])('%s ↔ %s = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('findNearName', () => {
  const names = ['opus', 'sonnet', 'gpt-5.3-codex', 'security-reviewer', 'sim'];
  it.each<[string, string | undefined]>([
    ['sonet', 'sonnet'],
    ['opsu', 'opus'],
    ['gpt-5.3-codx', 'gpt-5.3-codex'],
    ['securty-reviewr', 'security-reviewer'],
    ['llama-3-70b', undefined],
    ['ab', undefined],
  ])('%s → %s', (word, expected) => {
    expect(findNearName(word, names)).toBe(expected);
  });
});
