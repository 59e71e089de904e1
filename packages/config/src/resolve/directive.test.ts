import { describe, expect, it } from 'vitest';
import { findModelDirective, findUnknownModelDirective, findWorktreeDirective } from './directive.js';

const names = ['opus', 'sonnet', 'opus-4.5', 'gpt-5.3-codex', 'quick'];

describe('findModelDirective', () => {
  it('returns the configured spelling and where the name starts', () => {
    expect(findModelDirective('use opus to review, then use SONNET', names)).toEqual({ name: 'sonnet', index: 29 });
  });

  it('prefers the longest name at a position, whatever the order of the names', () => {
    expect(findModelDirective('use opus-4.5 now', ['opus', 'opus-4.5'])?.name).toBe('opus-4.5');
    expect(findModelDirective('use opus-4.5 now', ['opus-4.5', 'opus'])?.name).toBe('opus-4.5');
  });

  it('never matches a name inside a longer token', () => {
    expect(findModelDirective('use opus-4.5 now', ['opus'])).toBeNull();
    expect(findModelDirective('use gpt-5.3-codex', ['gpt-5', 'codex'])).toBeNull();
    expect(findModelDirective('use anthropic/opus', ['opus'])).toBeNull();
  });

  it('takes a name with regex metacharacters literally', () => {
    expect(findModelDirective('use gpt-5.3-codex', ['gpt-5.3-codex', 'gpt-5x3-codex'])?.name).toBe('gpt-5.3-codex');
    expect(findModelDirective('use gpt-5x3-codex', ['gpt-5.3-codex'])).toBeNull();
  });

  it('finds nothing without names or in an empty prompt', () => {
    expect(findModelDirective('use opus', [])).toBeNull();
    expect(findModelDirective('', names)).toBeNull();
  });

  it('reads "ask X to" only with its "to"', () => {
    expect(findModelDirective('ask sonnet to fix it', names)?.name).toBe('sonnet');
    expect(findModelDirective('ask sonnet why it failed', names)).toBeNull();
  });

  it('stays fast on a long prompt full of names', () => {
    const prompt = 'compare opus and sonnet, '.repeat(4000) + 'use sonnet';
    const started = performance.now();
    expect(findModelDirective(prompt, names)?.name).toBe('sonnet');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('findUnknownModelDirective', () => {
  const known = ['opus', 'sonnet', 'gpt-5.3-codex'];
  it.each<[string, string | null]>([
    ['use gpt-5.4 to port the script', 'gpt-5.4'],
    ['use claude-sonnet-4-5 for the review', 'claude-sonnet-4-5'],
    ['use opus-4.5, it is better at this', 'opus-4.5'],
    ['have grok-code-fast-1 write the tests', 'grok-code-fast-1'],
    ['o3: find the race', 'o3'],
    ['use haiku.', 'haiku'],
    ['use gpt-5.4 to draft, then use opus to review', null],
    ['use opus to draft, then use gpt-5.4 to review', 'gpt-5.4'],
    ['use sonnet to review', null],
    ['review the gpt-5.4 release notes', null],
    ['use a worktree', null],
    ['use python3 to run the script', null],
    ['use codex to review', null],
    ['with care, refactor the module', null],
    ["don't use gpt-5.4 here", null],
  ])('%j → %s', (prompt, expected) => {
    expect(findUnknownModelDirective(prompt, known)?.name ?? null).toBe(expected);
  });

  it('says where the id starts', () => {
    expect(findUnknownModelDirective('please use gpt-5.4', known)).toEqual({ name: 'gpt-5.4', index: 11 });
  });
});

describe('findWorktreeDirective', () => {
  it.each<[string, boolean]>([
    ['refactor the parser in a worktree', true],
    ['use a worktree for this', true],
    ['Using a worktree, upgrade the dependencies', true],
    ['do it in a separate worktree', true],
    ['run each fix in its own worktree', true],
    ['IN A NEW GIT WORKTREE, try the migration', true],
    ['work in a worktree.', true],
    ['explain what a worktree is', false],
    ['the worktree code needs tests', false],
    ['fix the worktree bug', false],
    ["don't use a worktree", false],
    ['do not work in a worktree', false],
    ['fix the build without a worktree', false],
    ['why does the build fail in a worktree?', false],
    ['explain how to use a worktree', false],
    ['fix src/in a worktree-aware way', false],
    ['document the code in worktree.ts', false],
    ['fix the tests that fail in a worktree, then use a worktree to check', true],
    ['create a worktree helper', false],
  ])('%j → %s', (prompt, expected) => {
    expect(findWorktreeDirective(prompt)).toBe(expected);
  });
});
