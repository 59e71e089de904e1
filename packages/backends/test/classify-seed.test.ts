import { describe, expect, it } from 'vitest';
import { classifyWorkerExit } from '../src/index.js';

// The seed page's failures, as its workers printed them.
describe("classifyWorkerExit on the seed's examples", () => {
  it('codex: command not found', () => {
    const failure = classifyWorkerExit({
      code: 127,
      signal: null,
      output: 'bash: line 1: codex: command not found\n',
      cli: 'codex',
    });
    expect(failure).toMatchObject({ kind: 'cli-missing' });
    expect(failure!.message).toMatch(/^codex: command not found — install it/);
  });

  it('an auth error for a model needing an upgraded subscription', () => {
    const output = 'Error: Authentication failed. Claude Opus 4.5 requires upgraded subscription.\n';
    const failure = classifyWorkerExit({ code: 1, signal: null, output, cli: 'claude' });
    expect(failure).toMatchObject({ kind: 'auth' });
    expect(failure!.message).toContain('requires upgraded subscription');
  });
});
