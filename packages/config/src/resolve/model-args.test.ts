import { describe, expect, it } from 'vitest';
import type { BackendConfig, BackendKind } from '../types.js';
import { modelArgsFor, posixQuote, shellCommandFor } from './model-args.js';

function backend(kind: BackendKind, modelFlag?: string | null, command = `${kind}-cli -p`): BackendConfig {
  return { name: kind === 'command' ? 'my-agent' : kind, kind, command, modelFlag, env: [], executor: undefined };
}

describe('modelArgsFor', () => {
  it.each<[BackendKind, string | null | undefined, string, { flag: string; value: string } | null]>([
    ['cursor', undefined, 'gemini-3.1-pro', { flag: '--model', value: 'gemini-3.1-pro' }],
    ['codex', undefined, 'gpt-5.3-codex', { flag: '--model', value: 'gpt-5.3-codex' }],
    ['gemini', undefined, 'gemini-2.5-pro', { flag: '--model', value: 'gemini-2.5-pro' }],
    ['opencode', undefined, 'anthropic/claude-opus-4.5', { flag: '--model', value: 'anthropic/claude-opus-4.5' }],
    ['command', undefined, 'gpt-5', null],
    ['command', '-m', 'gpt-5', { flag: '-m', value: 'gpt-5' }],
    ['claude', undefined, 'opus', { flag: '--model', value: 'opus' }],
    ['claude', undefined, 'claude-opus-4.5', { flag: '--model', value: 'opus' }],
    ['claude', undefined, 'sonnet-4.6', { flag: '--model', value: 'sonnet' }],
    ['claude', undefined, 'claude-3-5-haiku-20241022', { flag: '--model', value: 'haiku' }],
    ['claude', undefined, 'Sonnet', { flag: '--model', value: 'sonnet' }],
    ['claude', undefined, 'opusplan', { flag: '--model', value: 'opusplan' }],
    ['claude', undefined, 'claude-next', { flag: '--model', value: 'claude-next' }],
    ['claude', '-m', 'claude-sonnet-4-5', { flag: '-m', value: 'sonnet' }],
    ['claude', null, 'opus', null],
    ['codex', null, 'gpt-5', null],
    ['cursor', '-m', 'sonnet-4.6', { flag: '-m', value: 'sonnet-4.6' }],
  ])('%s (model_flag %j) with %s → %j', (kind, flag, id, expected) => {
    expect(modelArgsFor(backend(kind, flag), id)).toEqual(expected);
  });
});

describe('shellCommandFor', () => {
  it('appends the flag and the quoted value to the trimmed command', () => {
    expect(shellCommandFor(backend('codex', undefined, '  codex exec --full-auto\n'), 'gpt-5', posixQuote)).toBe(
      "codex exec --full-auto --model 'gpt-5'",
    );
    expect(shellCommandFor(backend('claude'), 'claude-opus-4.5', (v) => `<${v}>`)).toBe('claude-cli -p --model <opus>');
  });

  it('is the command alone when no model is passed', () => {
    expect(shellCommandFor(backend('command', undefined, 'my-agent --yolo'), 'gpt-5', posixQuote)).toBe(
      'my-agent --yolo',
    );
    expect(shellCommandFor(backend('claude', null), 'opus', posixQuote)).toBe('claude-cli -p');
  });

  it('quotes with the function it is given', () => {
    expect(posixQuote("it's")).toBe(`'it'\\''s'`);
  });
});
