import { describe, expect, it } from 'vitest';
import { CLAUDE_MODELS, CODEX_MODELS } from './known-models.js';
import { type InstalledClis, canServeModel, routeModel } from './route.js';

const all: InstalledClis = { claude: true, codex: true, cursor: true, gemini: true, opencode: true };
const reference: InstalledClis = { claude: true, codex: true, cursor: true };
const cursorOnly: InstalledClis = { cursor: true };
const claudeOnly: InstalledClis = { claude: true };
const codexOnly: InstalledClis = { codex: true };

describe('routeModel', () => {
  it.each<[string, InstalledClis, string | null]>([
    ['opus', reference, 'claude'],
    ['sonnet-4.6', reference, 'claude'],
    ['opus-4.6-thinking', reference, 'claude'],
    ['claude-3-5-haiku-20241022', claudeOnly, 'claude'],
    ['sonnet-4.6', cursorOnly, 'cursor'],
    ['haiku', codexOnly, null],
    ['gpt-5.3-codex', reference, 'codex'],
    ['gpt-5.3-codex', cursorOnly, 'cursor'],
    ['o3', codexOnly, 'codex'],
    ['o4-mini', reference, 'codex'],
    ['o1-preview', reference, 'codex'],
    ['gemini-3.1-pro', reference, 'cursor'],
    ['gemini-3.1-pro', all, 'gemini'],
    ['gemini-2.5-flash', { gemini: true }, 'gemini'],
    ['auto', reference, 'cursor'],
    ['composer-1', reference, 'cursor'],
    ['grok-code-fast-1', claudeOnly, null],
    ['opusplan', reference, 'cursor'],
    ['anthropic/claude-opus-4.5', all, 'opencode'],
    ['anthropic/claude-opus-4.5', reference, 'claude'],
    ['openrouter/qwen3-coder', { opencode: true }, 'opencode'],
    ['auto', {}, null],
  ])('%s with %j → %s', (id, installed, expected) => {
    expect(routeModel(id, installed)).toBe(expected);
  });

  it('sends every known Claude model to claude and every known Codex model to codex', () => {
    expect(CLAUDE_MODELS.map((id) => routeModel(id, reference))).toEqual(['claude', 'claude', 'claude']);
    expect(new Set(CODEX_MODELS.map((id) => routeModel(id, reference)))).toEqual(new Set(['codex']));
  });
});

describe('canServeModel', () => {
  const listed = ['auto', 'gpt-5.3-codex', 'sonnet-4.6', 'grok-code-fast-1', 'Gemini-3.1-Pro'];
  it.each<[string, InstalledClis, readonly string[], string | null]>([
    ['opus', claudeOnly, [], 'claude'],
    ['haiku', claudeOnly, [], 'claude'],
    ['claude-sonnet-4-5', claudeOnly, [], 'claude'],
    ['claude-sonnet-4-5-20250929', claudeOnly, [], 'claude'],
    ['sonnet-4.6', claudeOnly, [], 'claude'],
    ['opus-4.6-thinking', claudeOnly, [], null],
    ['opus-4.6-thinking', reference, ['opus-4.6-thinking'], 'cursor'],
    ['sonnet-4.6', cursorOnly, listed, 'cursor'],
    ['sonnet-4.5', cursorOnly, listed, null],
    ['gpt-5.4', codexOnly, [], 'codex'],
    ['o4-mini', codexOnly, [], 'codex'],
    ['gpt-5.4', cursorOnly, listed, null],
    ['gpt-5.3-codex', cursorOnly, listed, 'cursor'],
    ['codex', codexOnly, [], null],
    ['gemini-3.1-pro', cursorOnly, listed, 'cursor'],
    ['gemini-3.1-pro', { gemini: true }, [], 'gemini'],
    ['grok-code-fast-1', reference, listed, 'cursor'],
    ['llama-3-70b', reference, listed, null],
    ['anthropic/claude-opus-4.5', { opencode: true }, [], 'opencode'],
    ['anthropic/claude-opus-4.5', reference, listed, null],
  ])('%s with %j (cursor lists %j) → %s', (id, installed, cursorModels, expected) => {
    expect(canServeModel(id, installed, cursorModels)).toBe(expected);
  });
});
