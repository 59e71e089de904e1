import { describe, expect, it } from 'vitest';
import { DispatchError } from '@dispatch/runtime';
import type { CommandSpec } from './command-spec.js';
import { routeArgv, unknownCommand } from './route.js';

const spec = (name: string): CommandSpec => ({ name, summary: name, examples: [[`dispatch ${name}`]] });
const withoutRun = [spec('help')];
const withRun = [spec('help'), spec('run')];

function thrown(fn: () => unknown): DispatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DispatchError) return err;
    throw err;
  }
  throw new Error('expected a DispatchError');
}

describe('routeArgv', () => {
  it('keeps commands, root options and no arguments as they are', () => {
    expect(routeArgv([], withRun)).toEqual([]);
    expect(routeArgv(['help', 'x'], withRun)).toEqual(['help', 'x']);
    expect(routeArgv(['--version'], withRun)).toEqual(['--version']);
  });

  it('sends a prompt to run', () => {
    expect(routeArgv(['fix', 'the', 'bug'], withRun)).toEqual(['run', 'fix', 'the', 'bug']);
    expect(routeArgv(['--model', 'opus', 'fix'], withRun)).toEqual(['run', '--model', 'opus', 'fix']);
    expect(routeArgv(['stauts', 'now'], withRun)).toEqual(['run', 'stauts', 'now']);
  });

  it('refuses a one-word near miss of a command name with exit 2', () => {
    const err = thrown(() => routeArgv(['stauts'], withRun));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('did you mean status?');
  });

  it('refuses a short prompt that starts like a command of another tool, naming the command meant (exit 2)', () => {
    const withStatus = [...withRun, spec('status'), spec('cancel'), spec('logs')];
    for (const [argv, meant] of [
      [['ls'], 'dispatch status'],
      [['show', 'api-tests'], 'dispatch status api-tests'],
      [['kill', 'api-tests'], 'dispatch cancel api-tests'],
      [['log review-auth-module-2'], 'dispatch logs review-auth-module-2'],
      [['LS'], 'dispatch status'],
    ] as const) {
      const err = thrown(() => routeArgv([...argv], withStatus));
      expect(err.exitCode, argv.join(' ')).toBe(2);
      expect(err.message).toContain(`did you mean ${meant}?`);
      expect(err.message).toContain(`dispatch run ${JSON.stringify(argv.join(' '))}`);
    }
    // Longer prompts, prompts with options, and verbs with no command here are prompts.
    expect(routeArgv(['show', 'me', 'why', 'it', 'fails'], withStatus)[0]).toBe('run');
    expect(routeArgv(['--model', 'opus', 'ls'], withStatus)[0]).toBe('run');
    expect(routeArgv(['kill', 'x'], withRun)).toEqual(['run', 'kill', 'x']);
    expect(routeArgv(['fix', 'it'], withStatus)).toEqual(['run', 'fix', 'it']);
  });

  it('says a contract command or run is not available in this build (exit 1)', () => {
    const missing = thrown(() => routeArgv(['status', '--json'], withRun));
    expect([missing.code, missing.exitCode, missing.message]).toEqual([
      'failure',
      1,
      'dispatch status is not available in this build',
    ]);
    expect(thrown(() => routeArgv(['fix', 'it'], withoutRun)).message).toBe(
      'dispatch run is not available in this build',
    );
  });

  it('leaves an unknown leading option to commander when run is missing', () => {
    expect(routeArgv(['--nope'], withoutRun)).toEqual(['--nope']);
  });
});

describe('unknownCommand', () => {
  it('suggests only among the given names below the root', () => {
    expect(unknownCommand('shwo', ['show', 'path'], false).message).toContain('did you mean show?');
    expect(unknownCommand('zzz', ['show'], false).exitCode).toBe(2);
  });
});
