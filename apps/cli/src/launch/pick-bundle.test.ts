import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../command-table.js';
import { bundleFor, COMMAND_WORDS, cacheKeyFor, commandWord, FULL_BUNDLE_COMMANDS } from './pick-bundle.js';

describe('pick-bundle', () => {
  it('knows every command of the table, and only those', () => {
    expect([...COMMAND_WORDS].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const name of FULL_BUNDLE_COMMANDS) expect(COMMAND_WORDS).toContain(name);
  });

  it('reads the command word after -C pairs, never from a prompt or an option', () => {
    expect(commandWord(['status', '--json'])).toBe('status');
    expect(commandWord(['-C', 'api', '-C', 'sub', 'inspect'])).toBe('inspect');
    expect(commandWord(['fix', 'the', 'tests'])).toBeUndefined();
    expect(commandWord(['--version'])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });

  it('sends the all-day commands to core and the rest to full', () => {
    for (const argv of [['run', 'x'], ['status'], ['wait', 'a'], ['answer', 'a', 'b'], ['ask', 'q'], ['fix it'], []])
      expect(bundleFor(argv)).toBe('core');
    for (const argv of [['inspect'], ['mcp'], ['daemon', 'run'], ['-C', 'x', 'init'], ['config', 'show']])
      expect(bundleFor(argv)).toBe('full');
  });

  it('keys the code cache by a command from a fixed set, never by what a prompt says', () => {
    expect(cacheKeyFor(['status'])).toBe('status');
    expect(cacheKeyFor(['status', '--json'])).toBe('status');
    // One task's view runs other code than the table: its own cache, named from the fixed set.
    expect(cacheKeyFor(['status', 'x'])).toBe('status-task');
    expect(cacheKeyFor(['-C', 'dir', 'status', '--json', '../../etc/passwd'])).toBe('status-task');
    expect(cacheKeyFor(['-C', 'status', 'status'])).toBe('status');
    expect(cacheKeyFor(['../../etc/passwd'])).toBe('run');
    expect(cacheKeyFor(['--help'])).toBe('root');
    expect(cacheKeyFor([])).toBe('root');
  });
});
