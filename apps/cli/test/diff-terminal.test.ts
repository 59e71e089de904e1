import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces } from './e2e-workspace.js';
import { git, gitWorkspace, worktreeTask } from './git-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const ESC = '\u001b[';

/** A repository with a completed worktree task that added one file, and a fake pager that records what it got. */
async function diffWorkspace() {
  const w = await gitWorkspace('diff-tty');
  await worktreeTask(w, 'feat', 'add b {write: b.txt}');
  expect(await w.state('feat')).toBe('completed');
  const tools = mkdtempSync(join(tmpdir(), 'dispatch-pager-'));
  const got = join(tools, 'got');
  const pager = join(tools, 'fake-pager');
  writeFileSync(pager, `#!/bin/sh\nprintf 'LESS=%s\\n' "\${LESS-unset}" > "${got}.env"\ncat > "${got}"\n`);
  chmodSync(pager, 0o755);
  /** `dispatch diff feat ARGS` on a pseudo-terminal (script(1)), with `env` added. */
  const onTty = async (args: string[], env: Record<string, string> = {}) => {
    for (const f of [got, `${got}.env`]) writeFileSync(f, '');
    const line = ['node', bin, 'diff', 'feat', ...args].map((a) => `'${a}'`).join(' ');
    const r = await execa('script', ['-q', '-e', '-c', line, '/dev/null'], {
      cwd: w.dir,
      env: { ...w.env, SHELL: '/bin/sh', TERM: 'xterm', ...env },
      extendEnv: false,
      reject: false,
    });
    return {
      exitCode: r.exitCode,
      screen: String(r.stdout),
      paged: readFileSync(got, 'utf8'),
      pagerEnv: readFileSync(`${got}.env`, 'utf8'),
    };
  };
  return { w, pager, onTty };
}

describe('dispatch diff on a terminal and in a pipe (issue 16)', () => {
  it('piped: no colour, no pager, and the output ends with a newline', async () => {
    const { w, pager } = await diffWorkspace();
    const r = await execa('node', [bin, 'diff', 'feat'], {
      cwd: w.dir,
      env: { ...w.env, GIT_PAGER: pager },
      extendEnv: false,
    });
    expect(r.stdout).toContain('+++ b/b.txt');
    expect(r.stdout).not.toContain(ESC);
    const raw = await execa('node', [bin, 'diff', 'feat', '--stat'], {
      cwd: w.dir,
      env: w.env,
      extendEnv: false,
      stripFinalNewline: false,
    });
    expect(raw.stdout).toMatch(/1 file changed, 1 insertion\(\+\)\n$/);
    const full = await execa('node', [bin, 'diff', 'feat'], {
      cwd: w.dir,
      env: w.env,
      extendEnv: false,
      stripFinalNewline: false,
    });
    expect(full.stdout).toMatch(/\+add b\n$/);
  });

  it("on a TTY: colour and git's pager (LESS=FRX), unless NO_COLOR, git's color config, --no-pager or a pager of cat", async () => {
    const { w, pager, onTty } = await diffWorkspace();
    const paged = await onTty([], { GIT_PAGER: pager });
    expect(paged.exitCode).toBe(0);
    expect(paged.paged).toContain('+++ b/b.txt');
    expect(paged.paged).toContain(ESC);
    expect(paged.paged.endsWith('\n')).toBe(true);
    expect(paged.pagerEnv).toBe('LESS=FRX\n');
    expect(paged.screen).not.toContain('b.txt');

    // git's own order: GIT_PAGER, then core.pager, then PAGER; the user's LESS is kept.
    await git(w.dir, 'config', 'core.pager', pager);
    const config = await onTty([], { LESS: 'R' });
    expect(config.paged).toContain('+++ b/b.txt');
    expect(config.pagerEnv).toBe('LESS=R\n');
    await git(w.dir, 'config', '--unset', 'core.pager');
    expect((await onTty([], { PAGER: pager })).paged).toContain('+++ b/b.txt');

    const noColor = await onTty([], { GIT_PAGER: pager, NO_COLOR: '1' });
    expect(noColor.paged).toContain('+++ b/b.txt');
    expect(noColor.paged).not.toContain(ESC);

    await git(w.dir, 'config', 'color.ui', 'never');
    const never = await onTty([], { GIT_PAGER: pager });
    expect(never.paged).toContain('+++ b/b.txt');
    expect(never.paged).not.toContain(ESC);
    await git(w.dir, 'config', 'color.diff', 'always');
    expect((await onTty([], { GIT_PAGER: pager })).paged).toContain(ESC);
    await git(w.dir, 'config', '--unset', 'color.diff');
    await git(w.dir, 'config', '--unset', 'color.ui');

    const direct = await onTty(['--no-pager'], { GIT_PAGER: pager });
    expect(direct.paged).toBe('');
    expect(direct.screen).toContain('b.txt');
    expect(direct.screen).toContain(ESC);
    const cat = await onTty([], { GIT_PAGER: 'cat' });
    expect(cat.screen).toContain('b.txt');
    expect(cat.paged).toBe('');
  });
});
