import { describe, expect, it } from 'vitest';
import { DispatchError } from '@dispatch/runtime';
import type { CommandContext, CommandSpec } from './command-spec.js';
import { COMMANDS, ROOT_EXAMPLES } from './command-table.js';
import { createMemoryIo } from './memory-io.js';
import { runProgram } from './program.js';

// A command table with a real (inline) module, to see what a command receives.
const seen: CommandContext[] = [];
const table: CommandSpec[] = [
  ...COMMANDS,
  {
    name: 'echo',
    summary: 'print the arguments',
    arguments: [
      { syntax: '<id>', description: 'task id' },
      { syntax: '[words...]', description: 'words' },
    ],
    options: [
      { flags: '--step <text>', description: 'a step', repeatable: true },
      { flags: '--json', description: 'json' },
    ],
    examples: [['dispatch echo a b']],
    load: async () => ({
      run: async (ctx: CommandContext) => {
        seen.push(ctx);
        if (ctx.args.id === 'fail') throw new DispatchError('failure', 'asked to fail');
        return ctx.args.id === 'three' ? 3 : undefined;
      },
    }),
  },
];

describe('runProgram', () => {
  it('passes named arguments and options to the lazily loaded module', async () => {
    const io = createMemoryIo();
    const code = await runProgram(
      ['echo', 'abc', 'x', 'y', '--step', 's1', '--step', 's2', '--json'],
      table,
      ROOT_EXAMPLES,
      io,
    );
    expect(code).toBe(0);
    const ctx = seen.at(-1)!;
    expect(ctx.args).toEqual({ id: 'abc', words: ['x', 'y'] });
    expect(ctx.options).toEqual({ step: ['s1', 's2'], json: true });
    expect(ctx.command.name()).toBe('echo');
  });

  it('returns the exit status a command returns and lets its errors through', async () => {
    expect(await runProgram(['echo', 'three'], table, ROOT_EXAMPLES, createMemoryIo())).toBe(3);
    await expect(runProgram(['echo', 'fail'], table, ROOT_EXAMPLES, createMemoryIo())).rejects.toThrow('asked to fail');
  });

  it('throws commander usage errors instead of printing or exiting', async () => {
    const io = createMemoryIo();
    await expect(runProgram(['echo'], table, ROOT_EXAMPLES, io)).rejects.toMatchObject({
      code: 'commander.missingArgument',
    });
    expect(io.stderr.join('')).toBe('');
  });

  it('writes help through the Io, without colour when the Io has none', async () => {
    const io = createMemoryIo();
    expect(await runProgram(['help', 'echo'], table, ROOT_EXAMPLES, io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toContain('Usage: dispatch echo');
    expect(text).toContain('Examples:\n  dispatch echo a b');
    expect(text).not.toContain('\u001b[');
  });

  it('colours help titles when the Io allows it', async () => {
    const io = createMemoryIo({ outColor: true });
    await runProgram(['help'], table, ROOT_EXAMPLES, io);
    expect(io.stdout.join('')).toContain('\u001b[1mExamples:\u001b[22m');
  });
});
