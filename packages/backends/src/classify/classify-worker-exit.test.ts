import { describe, expect, it } from 'vitest';
import { classifyWorkerExit } from './classify-worker-exit.js';
import { searchedPathNote } from './searched-path.js';

const exit = (output: string, code: number | null = 1, signal: string | null = null) => ({ code, signal, output });

describe('classifyWorkerExit', () => {
  it('leaves a clean exit to the plan', () => {
    expect(classifyWorkerExit({ ...exit('Not logged in', 0), cli: 'claude' })).toBeNull();
  });

  it('names a CLI that could not be spawned', () => {
    const failure = classifyWorkerExit({
      code: null,
      signal: null,
      output: '',
      spawnError: { code: 'ENOENT', message: 'spawn agent ENOENT' },
      cli: 'cursor',
    });
    expect(failure).toEqual({ kind: 'cli-missing', message: expect.stringMatching(/^agent: command not found/) });
  });

  it('takes exit 127 and 126 as a missing or unusable CLI whatever was printed', () => {
    expect(classifyWorkerExit({ ...exit('', 127), cli: 'mytool' })?.kind).toBe('cli-missing');
    expect(classifyWorkerExit({ ...exit('sh: 1: ./tool: Permission denied', 126), cli: 'mytool' })).toMatchObject({
      kind: 'cli-missing',
      message: expect.stringContaining('cannot be run'),
    });
  });

  it("names the PATH searched when the daemon's note says it (a PATH captured long ago explains a miss)", () => {
    const output = `${searchedPathNote('codex', '/usr/bin:/bin')}\nsh: 1: codex: not found\n`;
    expect(classifyWorkerExit({ ...exit(output, 127), cli: 'codex' })?.message).toMatch(
      /^codex: command not found on PATH=\/usr\/bin:\/bin — install it/,
    );
    // A note about another command says nothing about this one.
    const other = `${searchedPathNote('gemini', '/opt')}\nsh: 1: codex: not found\n`;
    expect(classifyWorkerExit({ ...exit(other, 127), cli: 'codex' })?.message).toMatch(/^codex: command not found — /);
  });

  it("takes gemini's exit 41 as an auth failure whatever it printed", () => {
    expect(classifyWorkerExit({ ...exit('', 41), cli: 'gemini' })).toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('set GEMINI_API_KEY'),
    });
    expect(classifyWorkerExit({ ...exit('', 41), cli: 'mytool' })?.kind).toBe('crash');
  });

  it("does not blame a missing tool the worker ran on the worker's CLI", () => {
    const output =
      'exec\n/bin/bash -lc "jest"\nbash: line 1: jest: command not found\nthread panicked at core/src/lib.rs:10\n';
    expect(classifyWorkerExit({ ...exit(output, 101), cli: 'codex' })).toMatchObject({
      kind: 'crash',
      message: expect.stringContaining('panicked'),
    });
  });

  it('reads the last line that names a cause: earlier retries look different', () => {
    const output =
      'ERROR: Reconnecting... 1/5\nERROR: stream disconnected: Connection refused\nERROR: unexpected status 401 Unauthorized: Incorrect API key provided\n';
    expect(classifyWorkerExit({ ...exit(output), cli: 'codex' })?.kind).toBe('auth');
  });

  it('prefers a structured error over the text around it', () => {
    const output = [
      'API Error: Unable to connect to API (ConnectionRefused)',
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        api_error_status: 429,
        result: 'Request rejected',
      }),
    ].join('\n');
    expect(classifyWorkerExit({ ...exit(output), cli: 'claude' })?.kind).toBe('quota');
  });

  it("takes claude's stop at its spending limit as the budget reached, whatever else it printed", () => {
    const result = {
      type: 'result',
      subtype: 'error_max_budget_usd',
      is_error: true,
      total_cost_usd: 1.234,
      errors: ['Reached maximum budget ($1.2)'],
    };
    const output = `Error: something failed\n${JSON.stringify(result)}\n`;
    expect(classifyWorkerExit({ ...exit(output), cli: 'claude' })).toEqual({
      kind: 'budget',
      message: 'claude: reached its spending limit of $1.20, $1.23 spent',
      spent: 1.234,
      limit: 1.2,
    });
    // Without the limit in its words or the cost, it says what it knows.
    const bare = JSON.stringify({ type: 'result', subtype: 'error_max_budget_usd', is_error: true });
    expect(classifyWorkerExit({ ...exit(bare), cli: 'claude' })).toEqual({
      kind: 'budget',
      message: 'claude: reached its spending limit',
    });
  });

  it('gives a quota failure the reset time the CLI printed', () => {
    const failure = classifyWorkerExit({
      ...exit('ERROR: Rate limit reached for requests. Please try again in 20s.'),
      cli: 'codex',
      at: new Date('2026-11-24T08:00:00Z'),
    });
    expect(failure).toMatchObject({ kind: 'quota', resetAt: Date.parse('2026-11-24T08:00:20.000Z') });
    expect(failure!.message).toContain('resets in 20s');
  });

  it('calls an unknown cause a crash, with the last error line', () => {
    expect(
      classifyWorkerExit({ ...exit('working...\nTypeError: x is undefined\n    at foo (a.js:1)\n', 3), cli: 'mytool' }),
    ).toEqual({ kind: 'crash', message: 'mytool exited with code 3: TypeError: x is undefined' });
    expect(classifyWorkerExit({ ...exit('', null, 'SIGKILL'), cli: 'claude' })).toEqual({
      kind: 'crash',
      message: 'claude was killed by SIGKILL',
    });
  });

  it('says which worker when no CLI is named', () => {
    expect(classifyWorkerExit(exit('Segmentation fault', 139))?.message).toBe(
      'worker exited with code 139: Segmentation fault',
    );
  });
});
