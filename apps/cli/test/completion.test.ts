import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '@dispatch/config';
import { COMMANDS } from '../src/command-table.js';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);

const zsh = findCommand('zsh', process.env.PATH);
const fish = findCommand('fish', process.env.PATH);

/** The script for `shell`, written to a file (`fish -n` reads no script from a pipe). */
async function scriptFile(shell: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'dispatch-completion-')), `dispatch.${shell}`);
  writeFileSync(file, (await execa('node', [bin, 'completion', shell])).stdout);
  return file;
}

/** What bash completes for the words typed (the last one being completed), with the script sourced. */
async function bashCompletes(...typed: string[]): Promise<string[]> {
  const words = typed.map((w) => `'${w}'`).join(' ');
  const script = `source <(node '${bin}' completion bash)
COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _dispatch; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', script], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('dispatch completion', () => {
  it('bash: completes a command, a subcommand, an option, after -C DIR too, and never a value as a command', async () => {
    expect(await bashCompletes('dispatch', 'sta')).toEqual(['status']);
    expect(await bashCompletes('dispatch', '-C', '/tmp', 'inb')).toEqual(['inbox']);
    expect(await bashCompletes('dispatch', 'config', 'add-')).toEqual(['add-model', 'add-backend']);
    expect(await bashCompletes('dispatch', 'wait', 'api-tests', '--exit')).toEqual(['--exit-status']);
    expect(await bashCompletes('dispatch', 'run', '--model', 'st')).toEqual([]); // a model name, not status
    expect(await bashCompletes('dispatch', 'help', 'inb')).toEqual(['inbox']);
    // Made from the command table: every command is offered at the root.
    expect(await bashCompletes('dispatch', '')).toEqual(expect.arrayContaining(COMMANDS.map((c) => c.name)));
  });

  it(`zsh: the script parses and completes a command and an option${zsh ? '' : ' (skipped: zsh is not installed)'}`, async (ctx) => {
    if (zsh === null) return ctx.skip();
    const file = await scriptFile('zsh');
    expect((await execa(zsh, ['-n', file], { reject: false })).exitCode).toBe(0);
    // The completion system's own functions stubbed: print what would be offered.
    const run = (...typed: string[]) =>
      execa(
        zsh,
        [
          '-c',
          `compdef() { :; }; _describe() { print -l -- "\${(@)\${(@P)4}%%:*}"; }
source '${file}'
words=(${typed.map((w) => `'${w}'`).join(' ')}); CURRENT=\${#words}; _dispatch`,
        ],
        { reject: false },
      );
    expect((await run('dispatch', 'sta')).stdout.split('\n')).toContain('status');
    expect((await run('dispatch', 'wait', '')).stdout.split('\n')).toContain('--exit-status');
  });

  it(`fish: the script parses and completes a command and an option${fish ? '' : ' (skipped: fish is not installed)'}`, async (ctx) => {
    if (fish === null) return ctx.skip();
    const file = await scriptFile('fish');
    expect((await execa(fish, ['-n', file], { reject: false })).exitCode).toBe(0);
    const offered = async (line: string) => {
      const r = await execa(fish, ['-c', `source '${file}'; complete -C '${line}'`], {
        reject: false,
      });
      return r.stdout.split('\n').map((l) => l.split('\t')[0]);
    };
    expect(await offered('dispatch sta')).toContain('status');
    expect(await offered('dispatch wait --exit')).toContain('--exit-status');
    expect(await offered('dispatch config add-')).toEqual(expect.arrayContaining(['add-model', 'add-backend']));
  });

  it('an unknown shell exits 2 with one line', async () => {
    const r = await execa('node', [bin, 'completion', 'powershell'], { reject: false });
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'dispatch: completion powershell: one of bash, zsh, fish',
    ]);
  });
});
