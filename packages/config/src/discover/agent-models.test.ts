import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgentModels } from './agent-models.js';

const fixture = readFileSync(new URL('../../test/fixtures/discover/agent-models.txt', import.meta.url), 'utf8');

describe('parseAgentModels', () => {
  it('reads a real-looking listing: colours, CRLF, a spinner, a header, a tip and markers', () => {
    expect(parseAgentModels(fixture)).toEqual([
      { id: 'auto', name: 'Auto', current: false, default: false },
      { id: 'composer-1', name: 'Composer 1', current: false, default: false },
      { id: 'gpt-5.3-codex', name: 'GPT-5.3 Codex', current: true, default: false },
      { id: 'gpt-5.3-codex-high', name: 'GPT-5.3 Codex High', current: false, default: false },
      { id: 'opus-4.6-thinking', name: 'Claude 4.6 Opus (Thinking)', current: false, default: true },
      { id: 'sonnet-4.6', name: 'Claude 4.6 Sonnet', current: false, default: false },
      { id: 'gemini-3.1-pro', name: 'Gemini 3.1 Pro', current: false, default: false },
      { id: 'grok-code-fast-1', name: 'Grok Code Fast 1', current: false, default: false },
    ]);
  });

  it.each<[string, string, { id: string; name: string; current: boolean; default: boolean }[]]>([
    [
      'both markers at once',
      'auto - Auto (current, default)\n',
      [{ id: 'auto', name: 'Auto', current: true, default: true }],
    ],
    [
      'markers one after another',
      'auto - Auto (default) (current)',
      [{ id: 'auto', name: 'Auto', current: true, default: true }],
    ],
    [
      'a bullet and an en dash',
      '  * sonnet-4.6 – Claude 4.6 Sonnet',
      [{ id: 'sonnet-4.6', name: 'Claude 4.6 Sonnet', current: false, default: false }],
    ],
    [
      'a spinner redrawn into the first line',
      '⠋ Loading models…\r⠙ Loading models…\rauto - Auto\n',
      [{ id: 'auto', name: 'Auto', current: false, default: false }],
    ],
    [
      'an id listed twice',
      'auto - Auto\nauto - Auto (current)\n',
      [{ id: 'auto', name: 'Auto', current: true, default: false }],
    ],
    [
      'a marker word inside a name',
      'x-1 - Current Model',
      [{ id: 'x-1', name: 'Current Model', current: false, default: false }],
    ],
  ])('handles %s', (_what, output, expected) => {
    expect(parseAgentModels(output)).toEqual(expected);
  });

  it.each([
    ['empty output', ''],
    ['only headers and tips', 'Available models\n\nTip: use --model <id> to switch.\n'],
    ['an error message', 'Error: not logged in. Run `agent login` first.\n'],
    ['a line that is only a marker', 'auto - (current)\n'],
    ['ids with spaces or quotes', "my model - Mine\n'x' - X\n"],
  ])('finds no model in %s', (_what, output) => {
    expect(parseAgentModels(output)).toEqual([]);
  });
});
