import { describe, expect, it } from 'vitest';
import { CONTRACT_COMMANDS, EXTRA_COMMANDS } from './command-names.js';
import type { CommandSpec } from './command-spec.js';
import { COMMANDS } from './command-table.js';

function flatten(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.flatMap((spec) => [spec, ...flatten(spec.subcommands ?? [])]);
}

describe('COMMANDS', () => {
  it('names only contract commands and the documented extras, each once', () => {
    const names = COMMANDS.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect([...CONTRACT_COMMANDS, ...EXTRA_COMMANDS]).toContain(name);
  });

  it('gives every command a summary, examples and something to run', () => {
    for (const spec of flatten(COMMANDS)) {
      expect(spec.summary, spec.name).not.toBe('');
      expect(spec.examples.length, spec.name).toBeGreaterThan(0);
      expect(spec.load !== undefined || (spec.subcommands?.length ?? 0) > 0, spec.name).toBe(true);
    }
  });

  it('loads a module with run() for every runnable command', async () => {
    for (const spec of flatten(COMMANDS)) {
      if (spec.load) expect(typeof (await spec.load()).run, spec.name).toBe('function');
    }
  });
});
