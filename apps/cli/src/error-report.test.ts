import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { DispatchError, ExitCode, isInputErrorCode, usageError } from '@dispatch/runtime';
import { describeError, oneLine } from './error-report.js';

// Shaped like the workspace packages' errors (IpcError: code, file, line).
class PackageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

describe('describeError', () => {
  it("uses a DispatchError's own exit status", () => {
    expect(describeError(new DispatchError('failure', 'boom'))).toEqual({ exitCode: 1, message: 'boom', detail: null });
    expect(describeError(usageError('bad --timeout')).exitCode).toBe(ExitCode.usage);
    const pending = new DispatchError('pending', 'still waiting');
    expect(describeError(pending).exitCode).toBe(3);
  });

  it('maps input error codes from packages to 2 and others to 1', () => {
    expect(describeError(new PackageError('invalid-task-id', 'bad id')).exitCode).toBe(2);
    expect(describeError(new PackageError('malformed-plan', 'bad plan')).exitCode).toBe(2);
    expect(describeError(new PackageError('path-escape', 'outside')).exitCode).toBe(2);
    expect(describeError(new PackageError('answer-exists', 'raced')).exitCode).toBe(1);
    expect(describeError(new PackageError('io', 'disk full')).exitCode).toBe(1);
  });

  it('names the file and line at fault once', () => {
    const err = new PackageError('malformed-plan', 'item has no text', '/w/plan.md', 3);
    expect(describeError(err).message).toBe('/w/plan.md:3: item has no text');
    const named = new PackageError('malformed-plan', 'cannot read /w/plan.md', '/w/plan.md');
    expect(describeError(named).message).toBe('cannot read /w/plan.md');
  });

  it("never takes a foreign exitCode (an execa error carries the child's)", () => {
    const err = Object.assign(new Error('worker failed'), { exitCode: 2 });
    expect(describeError(err).exitCode).toBe(1);
  });

  it('treats system errors and thrown non-errors as failures', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    expect(describeError(enoent).exitCode).toBe(1);
    expect(describeError('plain string')).toEqual({ exitCode: 1, message: 'plain string', detail: null });
  });

  it('maps commander usage errors to 2 on one line, help and version to 0 silently', () => {
    const unknown = new CommanderError(
      1,
      'commander.unknownOption',
      "error: unknown option '--jsn'\n(Did you mean --json?)",
    );
    expect(describeError(unknown)).toEqual({
      exitCode: 2,
      message: "unknown option '--jsn' (Did you mean --json?)",
      detail: null,
    });
    const missing = new CommanderError(1, 'commander.missingArgument', "error: missing required argument 'id'");
    expect(describeError(missing).exitCode).toBe(2);
    expect(describeError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({
      exitCode: 0,
      message: null,
      detail: null,
    });
    expect(describeError(new CommanderError(1, 'commander.help', '(outputHelp)'))).toMatchObject({
      exitCode: 2,
      message: null,
    });
  });

  it('adds the stack and causes only when debugging', () => {
    const err = new DispatchError('failure', 'outer', { cause: new Error('inner') });
    expect(describeError(err).detail).toBeNull();
    const detail = describeError(err, { debug: true }).detail ?? '';
    expect(detail).toContain('DispatchError: outer');
    expect(detail).toMatch(/\n\s+at /);
    expect(detail).toContain('caused by: Error: inner');
  });
});

describe('isInputErrorCode', () => {
  it('knows the naming convention and the listed codes', () => {
    expect(isInputErrorCode('unknown-task')).toBe(true);
    expect(isInputErrorCode('invalid-model-id')).toBe(true);
    expect(isInputErrorCode('no-such-question')).toBe(true);
    expect(isInputErrorCode('attempt-claimed')).toBe(false);
  });
});

describe('oneLine', () => {
  it("joins lines and drops commander's prefix", () => {
    expect(oneLine('error: a\n\n  b  \n')).toBe('a b');
    expect(oneLine('\n')).toBe('unexpected error');
  });
});
