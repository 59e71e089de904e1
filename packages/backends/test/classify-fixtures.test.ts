import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyWorkerExit } from '../src/index.js';

/** A recorded run of a real CLI (see fixtures/cli-output/README.md). */
interface CliFixture {
  cli: string;
  case: string;
  version: string;
  recordedAt: string;
  exit: { code: number | null; signal: string | null };
  output: string;
}

const root = join(import.meta.dirname, 'fixtures', 'cli-output');
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Record<string, string>;
const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'record')
  .flatMap((d) =>
    readdirSync(join(root, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${d.name}/${f.slice(0, -'.json'.length)}`),
  )
  .sort();
const load = (name: string) => JSON.parse(readFileSync(join(root, `${name}.json`), 'utf8')) as CliFixture;

describe('classifyWorkerExit on the recorded real CLIs', () => {
  it('has recordings of every CLI', () => {
    expect(new Set(fixtures.map((f) => f.split('/')[0]))).toEqual(new Set(['claude', 'codex', 'gemini', 'opencode']));
  });

  it('expects a class for every fixture, and has a fixture for every expectation', () => {
    expect(fixtures.filter((f) => !(f in expected))).toEqual([]);
    expect(Object.keys(expected).filter((f) => !fixtures.includes(f))).toEqual([]);
  });

  it.each(fixtures)('%s', (name) => {
    const f = load(name);
    const failure = classifyWorkerExit({
      code: f.exit.code,
      signal: f.exit.signal,
      output: f.output,
      cli: f.cli,
      at: new Date(f.recordedAt),
    });
    expect(failure?.kind, failure?.message).toBe(expected[name]);
    // One human line that names the CLI.
    expect(failure!.message).not.toContain('\n');
    expect(failure!.message.startsWith(`${f.cli}`)).toBe(true);
  });

  it("takes claude's stop at --max-budget-usd as the budget reached, with what it spent", () => {
    const f = load('claude/max-budget-stream-json');
    const result = JSON.parse(f.output.trim().split('\n').at(-1)!) as { subtype: string; total_cost_usd: number };
    expect(result.subtype).toBe('error_max_budget_usd');
    expect(classifyWorkerExit({ code: f.exit.code, signal: f.exit.signal, output: f.output, cli: f.cli })).toEqual({
      kind: 'budget',
      message: 'claude: reached its spending limit of $0.0001, $0.0006 spent',
      spent: result.total_cost_usd,
      limit: 0.0001,
    });
  });

  it("gives codex's usage limit the reset time it printed", () => {
    const f = load('codex/usage-limit');
    const failure = classifyWorkerExit({
      code: f.exit.code,
      signal: f.exit.signal,
      output: f.output,
      cli: f.cli,
      at: new Date(f.recordedAt),
    });
    expect(failure?.message).toContain('resets at 12:00 PM');
    expect(new Date(failure?.resetAt ?? 0).toISOString()).toMatch(/^2026-11-2\dT\d\d:00:00\.000Z$/);
  });
});
