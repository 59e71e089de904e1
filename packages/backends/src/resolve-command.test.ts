import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMissing, resolveCommand } from './index.js';

/** A folder with an executable `cli` in `x/` (not on PATH) and a plain file `notes` there. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'dispatch-resolve-'));
  const x = join(root, 'x');
  mkdirSync(x);
  writeFileSync(join(x, 'cli'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(x, 'cli'), 0o755);
  writeFileSync(join(x, 'notes'), 'not a program\n');
  return { root, x, env: { PATH: '/usr/bin:/bin', HOME: root } };
}

/** How /bin/sh really ends the command (127: not found), so each verdict is checked against the shell. */
function shellExit(command: string, env: NodeJS.ProcessEnv, cwd: string): number | null {
  return spawnSync('/bin/sh', ['-c', `${command} "$@"`, 'sh'], { env, cwd, stdio: 'ignore' }).status;
}

describe('resolveCommand', () => {
  it('finds a plain name on PATH, and is certain a name on no PATH entry is missing, naming the PATH', () => {
    const { root, x, env } = layout();
    expect(resolveCommand('cli -p', { ...env, PATH: `/usr/bin:${x}` }, root)).toEqual({
      status: 'found',
      name: 'cli',
      path: join(x, 'cli'),
    });
    const missing = resolveCommand('cli -p', env, root);
    expect(missing).toEqual({ status: 'missing', name: 'cli', searched: '/usr/bin:/bin' });
    expect(shellExit('cli -p', env, root)).toBe(127);
    expect(describeMissing(missing as Extract<typeof missing, { status: 'missing' }>)).toBe(
      'cli is not installed (not on PATH=/usr/bin:/bin)',
    );
  });

  it('checks an absolute or relative path where it points; a file that is not executable is missing', () => {
    const { root, x, env } = layout();
    expect(resolveCommand(`${x}/cli run`, env, root)).toMatchObject({ status: 'found', path: join(x, 'cli') });
    expect(resolveCommand('./x/cli', env, root)).toMatchObject({ status: 'found', path: join(x, 'cli') });
    expect(resolveCommand(`${x}/gone`, env, root)).toEqual({ status: 'missing', name: `${x}/gone`, searched: null });
    expect(resolveCommand(`${x}/notes`, env, root)).toMatchObject({ status: 'missing' });
  });

  it('honours an inline PATH, prefix assignments and env options and assignments, as the shell does', () => {
    const { root, x, env } = layout();
    const found = [
      `env PATH=${x}:$PATH cli`,
      `env PATH="${x}:\${PATH}" cli --flag`,
      `PATH=${x} cli`,
      `FOO=1 PATH='${x}' cli`,
      `env -u CLAUDECODE -u OTHER PATH=${x} cli -p`,
      `env --unset=X -uY PATH=${x} cli`,
      `env -i PATH=${x} cli`,
      `env -C ${root} PATH=x cli`,
      `exec env PATH=${x}:/usr/bin:/bin nice -n 5 nohup timeout -s KILL 10m stdbuf -oL cli`,
      `command env -- PATH=${x} cli`,
    ];
    for (const command of found) {
      expect(resolveCommand(command, env, root), command).toMatchObject({ status: 'found', path: join(x, 'cli') });
      expect(shellExit(command, env, root), command).toBe(0);
    }
    const missing = ['FOO=1 cli', 'env -u CLAUDECODE cli -p', `env PATH=/usr/bin cli`, `nice -n 5 cli`];
    for (const command of missing) {
      expect(resolveCommand(command, { ...env, CLAUDECODE: '1' }, root), command).toMatchObject({
        status: 'missing',
        name: 'cli',
      });
      expect(shellExit(command, env, root), command).toBe(127);
    }
    // env -u PATH leaves the search to env's default list: not certain either way.
    expect(resolveCommand('env -u PATH cli', env, root)).toMatchObject({ status: 'unknown' });
    expect(resolveCommand('env -i cli', env, root)).toMatchObject({ status: 'unknown' });
  });

  it('never calls missing what it cannot read: scripts, shells, expansions in the command word, odd options', () => {
    const { root, env } = layout();
    const unknown = [
      'sh -c \'cli "$@"\' cli',
      'bash -lc cli',
      'cli || other',
      'cd sub && cli',
      'cli; other',
      'cli | tee log',
      '$CLI -p',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's expansion, as a config holds it
      '"${CLI:-cli}" exec',
      '$(which cli) -p',
      '`which cli`',
      '~/bin/cli',
      'PATH=~/bin:$PATH cli',
      '>log cli',
      'env -S "cli -p"',
      'timeout --weird 5 cli',
      "cli 'unclosed",
      'if true; then cli; fi',
    ];
    for (const command of unknown)
      expect(resolveCommand(command, env, root), command).toMatchObject({ status: 'unknown' });
  });

  it('reads arguments after the command word loosely: "$(pwd)" and redirections are fine', () => {
    const { root, x, env } = layout();
    const path = { ...env, PATH: x };
    expect(resolveCommand('cli exec -C "$(pwd)" 2>&1', path, root)).toMatchObject({ status: 'found' });
    expect(resolveCommand('gone exec -C "$(pwd)"', path, root)).toMatchObject({ status: 'missing', name: 'gone' });
  });
});
