import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../src/command-spec.js';
import { COMMANDS } from '../src/command-table.js';
import { assertFreshBuild, bin } from './built-binary.js';

// These tests run the BUILT binary (turbo's test task builds first), as users and scripts do.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const ESC = '\u001b[';

/** Runs dispatch with a clean environment (no NO_COLOR, no DISPATCH_DEBUG unless given). */
function dispatch(args: string[], env: Record<string, string> = {}) {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return execa('node', [bin, ...args], { reject: false, extendEnv: false, env: { ...base, ...env } });
}

function commandPaths(specs: readonly CommandSpec[], prefix: string[] = []): string[][] {
  return specs.flatMap((s) => [[...prefix, s.name], ...commandPaths(s.subcommands ?? [], [...prefix, s.name])]);
}

beforeAll(assertFreshBuild);

describe('help and version', () => {
  it('--help lists the commands and examples on stdout', async () => {
    const r = await dispatch(['--help']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('Usage: dispatch');
    expect(r.stdout).toMatch(/Commands:\n/);
    expect(r.stdout).toMatch(/^\s+help \[command\.\.\.\]/m);
    expect(r.stdout).toMatch(/^\s+demo \[options\]/m);
    expect(r.stdout).toMatch(/Examples:\n\s+dispatch /);
  });

  it('dispatch alone is the warm-up: without a config it names `dispatch init` (config.test.ts has the rest)', async () => {
    const r = await dispatch([], { DISPATCH_HOME: mkdtempSync(join(tmpdir(), 'dispatch-empty-home-')) });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^dispatch: no config at .*: run `dispatch init`/);
  });

  it.each(commandPaths(COMMANDS).map((path) => [path.join(' '), path]))(
    '%s: --help and dispatch help show usage and examples',
    async (_name, path) => {
      for (const args of [
        [...path, '--help'],
        ['help', ...path],
      ]) {
        const r = await dispatch(args);
        expect([r.exitCode, r.stderr], args.join(' ')).toEqual([0, '']);
        expect(r.stdout).toContain(`Usage: dispatch ${path.join(' ')}`);
        expect(r.stdout).toMatch(/Examples:\n\s+dispatch /);
      }
    },
  );

  it('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await dispatch([flag]);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, pkg.version, '']);
    }
  });
});

describe('errors', () => {
  it.each([['--nope'], ['help', '--nope']])('unknown option (%s) exits 2 with one line on stderr', async (...args) => {
    const r = await dispatch(args);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("dispatch: unknown option '--nope'");
  });

  it('a near miss of a command name is refused with a suggestion', async () => {
    const r = await dispatch(['stauts']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dispatch: unknown command 'stauts': did you mean status\?/);
  });

  it('a bare prompt is `dispatch run`: with --model sim it needs no config and creates the task', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dispatch-bare-'));
    const home = mkdtempSync(join(tmpdir(), 'dispatch-bare-home-'));
    const r = await execa('node', [bin, 'fix', 'the', 'flaky', 'test', '--model', 'sim', '--json'], {
      cwd,
      reject: false,
      env: { DISPATCH_HOME: home, DISPATCH_DIR: join(cwd, '.dispatch'), DISPATCH_DAEMON_IDLE_MS: '1000' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'fix-flaky-test', model: 'sim', state: 'queued' });
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
  });

  it('help for an unknown command exits 2', async () => {
    const r = await dispatch(['help', 'frobnicate']);
    expect([r.exitCode, r.stderr]).toEqual([2, "dispatch: unknown command 'frobnicate' (see dispatch help)"]);
  });

  it('shows a stack trace only with DISPATCH_DEBUG=1', async () => {
    const plain = await dispatch(['stauts']);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await dispatch(['stauts'], { DISPATCH_DEBUG: '1' });
    expect(debug.exitCode).toBe(2);
    expect(debug.stderr.split('\n')[0]).toBe(plain.stderr);
    expect(debug.stderr).toMatch(/DispatchError: unknown command[^\n]*\n\s+at /);
  });
});

describe('colour', () => {
  it('piped output has no escape codes, with or without NO_COLOR', async () => {
    for (const env of [{}, { NO_COLOR: '1' }] as Record<string, string>[]) {
      for (const args of [['--help'], ['stauts'], ['help', 'help']]) {
        const r = await dispatch(args, env);
        expect(r.stdout + r.stderr).not.toContain(ESC);
      }
    }
  });

  // util-linux `script` gives the binary a real terminal; skipped where it is not available.
  const hasScript = process.platform === 'linux' && existsSync('/usr/bin/script');
  it.skipIf(!hasScript)('a terminal gets colour unless NO_COLOR is set', async () => {
    const inTty = (env: Record<string, string>) =>
      execa('script', ['-qec', `node ${bin} --help`, '/dev/null'], {
        reject: false,
        extendEnv: false,
        env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
      });
    const coloured = await inTty({});
    expect(coloured.stdout).toContain(`${ESC}1mExamples:`);
    const plain = await inTty({ NO_COLOR: '1' });
    expect(plain.stdout).toContain('Examples:');
    expect(plain.stdout).not.toContain(ESC);
  });
});
