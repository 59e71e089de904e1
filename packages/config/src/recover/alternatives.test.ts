import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../load/parse-config-document.js';
import { validateConfig } from '../load/validate-config.js';
import type { DispatchConfig } from '../types.js';
import { backendExecutable, recoveryAlternatives } from './alternatives.js';

const SEED = `default: gpt-5.3-codex
backends:
  claude: { command: "env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions" }
  cursor: { command: "agent -p --force --workspace \\"$(pwd)\\"" }
  codex:  { command: "codex exec --full-auto -C \\"$(pwd)\\"" }
models:
  opus: { backend: claude }
  sonnet: { backend: claude }
  gpt-5.3-codex: { backend: codex }
  gemini-3.1-pro: { backend: cursor }
`;

function config(text: string): DispatchConfig {
  const value = validateConfig(parseConfigDocument(text, 'config.yaml').doc, 'config.yaml').value;
  if (!value) throw new Error('fixture config is invalid');
  return value;
}

describe('backendExecutable', () => {
  it.each([
    ['env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p', 'claude'],
    ['agent -p --force --workspace "$(pwd)"', 'agent'],
    ['FOO=1 BAR=2 codex exec', 'codex'],
    ['env -i PATH=/bin FOO=1 gemini --yolo', 'gemini'],
    ['"/opt/my tools/aider" --yes', '/opt/my tools/aider'],
    ["env -u X 'my-cli' -p", 'my-cli'],
    ['  ', null],
  ])('%s → %s', (command, exe) => {
    expect(backendExecutable({ command })).toBe(exe);
  });
});

describe('recoveryAlternatives', () => {
  it("offers the seed's alternatives when the Codex CLI is gone: configured models whose CLI is installed", () => {
    const installed = (b: { name: string }) => b.name !== 'codex';
    expect(
      recoveryAlternatives(config(SEED), ['gpt-5.3-codex'], installed).map((a) => `${a.model} (${a.backend})`),
    ).toEqual(['opus (claude)', 'sonnet (claude)', 'gemini-3.1-pro (cursor)']);
  });

  it('puts the default first and leaves out every model that already failed for the task', () => {
    const withDefault = config(SEED.replace('default: gpt-5.3-codex', 'default: sonnet'));
    const alternatives = recoveryAlternatives(withDefault, ['opus', 'gpt-5.3-codex'], () => true);
    expect(alternatives).toEqual([
      { model: 'sonnet', backend: 'claude', isDefault: true },
      { model: 'gemini-3.1-pro', backend: 'cursor', isDefault: false },
    ]);
  });

  it("after a failure of the CLI itself (auth, cli-missing) offers other backends' models first, the default among them first", () => {
    const withDefault = config(SEED.replace('default: gpt-5.3-codex', 'default: gemini-3.1-pro'));
    const order = (kind?: string) =>
      recoveryAlternatives(withDefault, ['sonnet'], () => true, kind).map((a) => a.model);
    expect(order('auth')).toEqual(['gemini-3.1-pro', 'gpt-5.3-codex', 'opus']);
    expect(order('cli-missing')).toEqual(['gemini-3.1-pro', 'gpt-5.3-codex', 'opus']);
    // The model itself is the problem: its siblings on the same CLI are as good as any.
    expect(order('model-unavailable')).toEqual(['gemini-3.1-pro', 'opus', 'gpt-5.3-codex']);
    expect(order()).toEqual(['gemini-3.1-pro', 'opus', 'gpt-5.3-codex']);
  });

  it('is empty when nothing else is installed', () => {
    expect(recoveryAlternatives(config(SEED), ['opus'], () => false)).toEqual([]);
  });
});
