import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** The JSON lines a hook appended to `log` so far (a line still being written is not one yet). */
function notified(log: string): Record<string, unknown>[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('dispatch inbox', () => {
  it('lists what needs the user — questions with time left, blocks, failures with what to do — this workspace first, then the others', async () => {
    const w = e2eWorkspace('inbox');
    await w.start('asks', 'pick {ask: JWT or sessions?}');
    await w.start('stuck', 'db {block: Which database?}');
    await w.start('broken', 'build {fail: the compiler crashed}');
    await w.start('fine', 'done already');
    // An auth failure, as the real claude prints it (a fake replaying its recorded output).
    const fakes = new URL('./fixtures/fake-clis/', import.meta.url).pathname;
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: sonnet\nbackends:\n  claude: { command: "${join(fakes, 'claude')} -p", env: [FAKE_CLI_REPLAY, FAKE_CLI_CASE] }\nmodels:\n  sonnet: { backend: claude }\n`,
    );
    const auth = await execa('node', [bin, 'run', '--id', 'locked', '--step', 'x', 'x'], {
      cwd: w.dir,
      env: { ...w.env, FAKE_CLI_REPLAY: join(fakes, 'replay-fixture.mjs'), FAKE_CLI_CASE: 'no-credentials' },
      extendEnv: false,
      reject: false,
    });
    expect(auth.exitCode, auth.stderr).toBe(0);
    // Another workspace of the same user (same DISPATCH_HOME).
    const other = mkdtempSync(join(tmpdir(), 'dispatch-inbox-other-'));
    expect(
      (
        await execa(
          'node',
          [bin, 'run', '--model', 'sim', '--id', 'elsewhere', '--step', 'x {ask: Which port?}', 'x'],
          { cwd: other, env: { ...w.env, DISPATCH_DIR: join(other, '.dispatch') }, extendEnv: false, reject: false },
        )
      ).exitCode,
    ).toBe(0);
    await until(
      async () =>
        (await Promise.all(['asks', 'stuck', 'broken', 'fine', 'locked'].map(w.state))).join() ===
        'awaiting-answer,blocked,failed,completed,failed',
    );
    await until(async () => String((await w.dispatch(['inbox'])).stdout).includes('Which port?'));

    const entries = JSON.parse(String((await w.dispatch(['inbox', '--json'])).stdout)) as Record<string, unknown>[];
    expect(entries.map((e) => `${e.type} ${e.id}`)).toEqual([
      'question asks',
      'blocked stuck',
      'failed broken',
      'failed locked',
      'question elsewhere',
    ]);
    expect(entries[3]).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/^claude: not logged in/),
      action: 'dispatch retry locked',
    });
    expect(entries[0]).toMatchObject({
      seq: 1,
      text: 'JWT or sessions?',
      secondsLeft: expect.any(Number),
      action: 'dispatch answer asks "…"',
    });
    expect(entries[0]!.secondsLeft as number).toBeGreaterThan(100);
    expect(entries[2]).toMatchObject({ kind: 'plan-error', action: 'dispatch retry broken' });

    const lines = String((await w.dispatch(['inbox'])).stdout).split('\n');
    expect(lines[0]).toMatch(/^\? asks asks #1 \(\dm \d+s left\): JWT or sessions\? — dispatch answer asks "…"$/);
    expect(lines[1]).toBe('! stuck is blocked: Which database? — dispatch answer stuck "…"');
    expect(lines[2]).toBe('✗ broken failed (plan-error): build: the compiler crashed — dispatch retry broken');
    expect(lines[3]).toMatch(/^✗ locked failed \(auth\): claude: not logged in .* — dispatch retry locked$/);
    // Another workspace's command names it (here with DISPATCH_DIR, which the test's env pins and -C would not override).
    expect(lines[4]).toMatch(
      /^\? elsewhere asks #1 .*Which port\? — DISPATCH_DIR=\S*dispatch-inbox-other-\S*\/\.dispatch dispatch answer elsewhere "…"$/,
    );
    // Bare `dispatch`: the warm-up line first, unchanged, then the same inbox.
    const bare = String((await w.dispatch([])).stdout).split('\n');
    expect(bare[0]).toBe('Config loaded: default sonnet, 1 model, 0 aliases.');
    expect(bare.slice(1, 6).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      '? asks',
      '! stuck',
      '✗ broken',
      '✗ locked',
      '? elsewhere',
    ]);

    await execa('node', [bin, 'cancel', 'elsewhere'], {
      cwd: other,
      env: { ...w.env, DISPATCH_DIR: join(other, '.dispatch') },
      extendEnv: false,
      reject: false,
    });
  });

  it('the notify hook gets one JSON line on stdin for each question, block, failure and completion', async () => {
    const w = e2eWorkspace('notify');
    const log = join(w.home, 'notified.jsonl');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: opus\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  opus: { backend: shell }\nnotify: cat >> ${log}\n`,
    );
    await w.start('asks', 'pick {ask: JWT or sessions?}', 'write');
    await w.start('stuck', 'db {block: Which database?}');
    await w.start('broken', 'build {fail: the compiler crashed}');
    await until(async () => (await w.state('asks')) === 'awaiting-answer');
    expect((await w.dispatch(['answer', 'asks', 'JWT'])).exitCode).toBe(0);
    await until(async () => (await w.state('asks')) === 'completed');
    const seen = () => notified(log) as { type: string; id: string; dispatchDir: string }[];
    await until(() => seen().length >= 4);
    expect(
      seen()
        .map((e) => `${e.type} ${e.id}`)
        .sort(),
    ).toEqual(['blocked stuck', 'completed asks', 'failed broken', 'question asks']);
    expect(seen()[0]).toMatchObject({ v: 1, dispatchDir: w.dispatchDir });
  });

  it('a question asked while no daemon ran is notified once the next daemon starts', async () => {
    const w = e2eWorkspace('notify-away');
    const log = join(w.home, 'notified.jsonl');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: opus\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  opus: { backend: shell }\nnotify: cat >> ${log}\n`,
    );
    await w.start('later', 'read {sleep: 1.5}', 'pick {ask: Which port?}');
    await until(async () => (await w.state('later')) === 'running');
    process.kill((JSON.parse(readFileSync(join(w.home, 'daemon.json'), 'utf8')) as { pid: number }).pid, 'SIGKILL');
    await until(() => existsSync(join(w.dispatchDir, 'tasks/later/ipc/001.question'))); // the worker goes on alone
    expect(existsSync(log)).toBe(false);
    expect((await w.dispatch(['status'])).exitCode).toBe(0); // starts the next daemon
    await until(() => notified(log).length > 0);
    expect(notified(log)).toEqual([
      expect.objectContaining({ type: 'question', id: 'later', seq: 1, text: 'Which port?' }),
    ]);
    expect((await w.dispatch(['cancel', 'later'])).exitCode).toBe(0);
  });

  it('on a desktop, with no notify hook set, notify-send shows each entry as one line', async () => {
    const w = e2eWorkspace('notify-desktop');
    const { log, desktop } = fakeDesktop(w);
    for (const [id, step] of [
      ['asks', 'pick {ask: JWT or sessions?}'],
      ['broken', 'build {fail: the compiler crashed}'],
    ]) {
      const r = await execa('node', [bin, 'run', '--model', 'sim', '--id', id!, '--step', step!, id!], {
        cwd: w.dir,
        env: desktop,
        extendEnv: false,
        reject: false,
      });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(0, -1) : []); // whole lines only
    await until(() => calls().length >= 2);
    expect(calls().sort()).toEqual([
      '--app-name=dispatch|dispatch|asks asks #1: JWT or sessions?|',
      '--app-name=dispatch|dispatch|broken: plan-error — build: the compiler crashed. Fix the cause, then: dispatch retry broken|',
    ]);
    await execa('node', [bin, 'cancel', 'asks'], { cwd: w.dir, env: desktop, extendEnv: false, reject: false });
  });

  it('a notification is plain text: worker markup and control characters are shown, never obeyed (issue 15)', async () => {
    const w = e2eWorkspace('notify-plain');
    const { log, desktop } = fakeDesktop(w);
    const question = '<b>JWT</b> or <a href="http://evil.example">sessions</a>? <img src=x>\x1b]0;pwned\x07';
    const r = await execa(
      'node',
      [bin, 'run', '--model', 'sim', '--id', 'markup', '--step', `pick {ask: ${question}}`, 'm'],
      {
        cwd: w.dir,
        env: desktop,
        extendEnv: false,
        reject: false,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('\n'));
    const shown = readFileSync(log, 'utf8');
    expect(shown).toContain(
      '&lt;b&gt;JWT&lt;/b&gt; or &lt;a href="http://evil.example"&gt;sessions&lt;/a&gt;? &lt;img src=x&gt;\\x1b]0;pwned\\x07',
    );
    expect(shown).not.toMatch(/<[a-z]|\x1b/);
    await execa('node', [bin, 'cancel', 'markup'], { cwd: w.dir, env: desktop, extendEnv: false, reject: false });
  });
});

/** A desktop for `w`: a display, and a fake notify-send that records its arguments, one call a line. */
function fakeDesktop(w: ReturnType<typeof e2eWorkspace>) {
  const fakeBin = join(w.home, 'fake-bin');
  const log = join(w.home, 'notify-send.log');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'notify-send'), `#!/bin/sh\nprintf '%s|' "$@" >> ${log}\necho >> ${log}\n`);
  chmodSync(join(fakeBin, 'notify-send'), 0o755);
  return { log, desktop: { ...w.env, PATH: `${fakeBin}:${w.env.PATH}`, DISPLAY: ':99' } };
}
