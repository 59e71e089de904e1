import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';

// The launcher (dist/dispatch.js): which bundle runs, its V8 code cache, the hand-over from the
// core bundle to the full one, and output to a reader that goes away. Run as users run it.

beforeAll(assertFreshBuild);

function setUp() {
  const root = mkdtempSync(join(tmpdir(), 'dispatch-launcher-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    XDG_CACHE_HOME: join(root, 'cache'),
    DISPATCH_HOME: join(root, 'home'),
    DISPATCH_DAEMON_IDLE_MS: '2000',
  };
  const cacheDir = join(root, 'cache', 'dispatch', 'v8');
  const dispatch = (args: string[], extra: Record<string, string> = {}, cwd = root) =>
    execa('node', [bin, ...args], { cwd, reject: false, extendEnv: false, env: { ...env, ...extra } });
  return { root, env, cacheDir, dispatch };
}

describe('the launcher', () => {
  it('keeps each command’s bytecode in the user’s cache folder (0600 in a 0700 folder) and prints the same with it', async () => {
    const { cacheDir, dispatch } = setUp();
    const first = await dispatch(['--version']);
    const cached = readdirSync(cacheDir);
    expect(cached).toEqual([expect.stringMatching(/^core\.[0-9a-f]{16}\.root\.bin$/)]);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const path = join(cacheDir, cached[0]!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The first run leaves an empty mark (its one-time work is no one's bytecode); the second writes it.
    expect(statSync(path).size).toBe(0);
    await dispatch(['--version']);
    const bytecode = readFileSync(path);
    expect(bytecode.length).toBeGreaterThan(1000);
    const again = await dispatch(['--version']);
    expect(readFileSync(path).equals(bytecode)).toBe(true); // read, not written again
    const without = await dispatch(['--version'], { DISPATCH_CODE_CACHE: '0' });
    expect([again.stdout, without.stdout]).toEqual([first.stdout, first.stdout]);
    await dispatch(['status', '--json']);
    await dispatch(['daemon', 'status', '--json']);
    expect(readdirSync(cacheDir).sort()).toEqual([
      expect.stringMatching(/^core\.[0-9a-f]{16}\.root\.bin$/),
      expect.stringMatching(/^core\.[0-9a-f]{16}\.status\.bin$/),
      expect.stringMatching(/^full\.[0-9a-f]{16}\.daemon\.bin$/),
    ]);
  });

  it("removes another build's cache once unread for a week, and keeps one in use", async () => {
    const { cacheDir, dispatch } = setUp();
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const stale = join(cacheDir, 'core.0000000000000000.status.bin');
    const inUse = join(cacheDir, 'core.1111111111111111.status.bin');
    writeFileSync(stale, 'old');
    writeFileSync(inUse, 'recent');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(stale, eightDaysAgo, eightDaysAgo);
    await dispatch(['--version']);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(inUse)).toBe(true);
  });

  it('a prompt names no cache file: only command names from a fixed set do', async () => {
    const { cacheDir, dispatch } = setUp();
    await dispatch(['run', '--model', 'sim', '--id', 'x', '--step', 'a', 'do', 'it']);
    await dispatch(['../../evil', 'prompt', 'words', 'here', '--model', 'sim']);
    expect(
      readdirSync(cacheDir)
        .map((f) => f.split('.')[2])
        .sort(),
    ).toEqual(['run']);
  });

  it('never reads a cache another user owns or others may write, nor a damaged one: it runs without and writes its own', async () => {
    const { cacheDir, dispatch } = setUp();
    const expected = (await dispatch(['--version'])).stdout;
    await dispatch(['--version']); // the second run writes the bytecode
    const [file] = readdirSync(cacheDir);
    const path = join(cacheDir, file!);
    writeFileSync(path, 'not bytecode at all');
    expect((await dispatch(['--version'])).stdout).toBe(expected);
    expect(readFileSync(path).length).toBeGreaterThan(1000);
    chmodSync(path, 0o666);
    expect((await dispatch(['--version'])).stdout).toBe(expected);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) {
      chownSync(path, 65534, 65534);
      expect((await dispatch(['--version'])).stdout).toBe(expected);
      expect(statSync(path).uid).toBe(0);
    }
  });

  it('a command the core bundle lacks is handed over to the full one, from the same directory', async () => {
    const { root, dispatch } = setUp();
    mkdirSync(join(root, 'sub'));
    const viaCore = await dispatch(['-C', 'sub', 'daemon', 'status', '--json'], { DISPATCH_BUNDLE: 'core' });
    expect([viaCore.exitCode, viaCore.stderr]).toEqual([0, '']);
    expect(JSON.parse(viaCore.stdout)).toMatchObject({ running: false });
    const help = await dispatch(['-C', 'sub', 'config', 'path'], { DISPATCH_BUNDLE: 'core' });
    expect([help.exitCode, help.stdout]).toEqual([0, join(root, 'home', 'config.yaml')]);
    // And the full bundle runs the all-day commands too.
    const full = await dispatch(['status', '--json'], { DISPATCH_BUNDLE: 'full' });
    expect([full.exitCode, full.stdout]).toEqual([0, '[]']);
  });

  it('status, wait and answer start without loading what they do not use (fs/promises, child_process, crypto)', async () => {
    const { root, dispatch } = setUp();
    await dispatch(['run', '--model', 'sim', '--id', 'quick', '--step', 'a', 'go']);
    expect((await dispatch(['wait', 'quick', '--json'])).exitCode).toBe(0);
    // A preload that reports node's own modules as the command exits.
    const probe = join(root, 'loaded.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + process.moduleLoadList.join('|')));",
    );
    for (const args of [
      ['status', 'quick', '--json'],
      ['status', '--json'],
      ['wait', 'quick', '--json'],
      ['answer', 'quick', '--question', '9', 'x'],
    ]) {
      await dispatch(args); // the first two runs of a command write its code cache
      await dispatch(args);
      const r = await dispatch(args, { NODE_OPTIONS: `--require ${probe}` });
      const loaded = /LOADED (.*)/.exec(r.stderr)?.[1]?.split('|') ?? [];
      expect(loaded.length, args.join(' ')).toBeGreaterThan(10);
      for (const name of ['fs/promises', 'child_process', 'crypto'])
        expect(loaded, `${args.join(' ')} loads ${name}`).not.toContain(`NativeModule ${name}`);
    }
  });

  it('run makes its writes without fs/promises (nor child_process, crypto) once the daemon runs', async () => {
    const { root, env, dispatch } = setUp();
    mkdirSync(env.DISPATCH_HOME, { recursive: true });
    // A config, so that run reads it (from its parse cache) as a user's run does.
    writeFileSync(
      join(env.DISPATCH_HOME, 'config.yaml'),
      'default: opus\nbackends:\n  claude:\n    command: claude -p\nmodels:\n  opus: { backend: claude }\n',
    );
    const probe = join(root, 'loaded.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + process.moduleLoadList.join('|')));",
    );
    const run = (id: string, extra: Record<string, string> = {}) =>
      dispatch(['run', '--model', 'sim', '--id', id, '--step', 'a', 'go'], extra);
    for (const id of ['r1', 'r2', 'r3']) expect((await run(id)).exitCode).toBe(0);
    const r = await run('r4', { NODE_OPTIONS: `--require ${probe}` });
    expect([r.exitCode, r.stdout]).toEqual([0, expect.stringContaining('r4  sim  1 item')]);
    const loaded = /LOADED (.*)/.exec(r.stderr)?.[1]?.split('|') ?? [];
    expect(loaded.length).toBeGreaterThan(10);
    for (const name of ['fs/promises', 'child_process', 'crypto'])
      expect(loaded, `run loads ${name}`).not.toContain(`NativeModule ${name}`);
    expect((await dispatch(['wait', 'r4', '--json'])).exitCode).toBe(0);
  });

  it('loads yaml, execa and proper-lockfile from dist/lazy/ only when used: a config parse after an edit, git for a worktree', async () => {
    const { root, env, dispatch } = setUp();
    mkdirSync(env.DISPATCH_HOME, { recursive: true });
    const config = join(env.DISPATCH_HOME, 'config.yaml');
    writeFileSync(
      config,
      'default: opus\nbackends:\n  claude:\n    command: claude -p\nmodels:\n  opus: { backend: claude }\n',
    );
    // A preload that names the files of dist/lazy/ a command required.
    const probe = join(root, 'lazy.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, '\\nLAZY ' + Object.keys(require.cache).filter((f) => f.includes('/dist/lazy/')).map((f) => f.split('/').pop()).sort().join(' ')));",
    );
    const lazyOf = async (args: string[], cwd = root) => {
      const r = await dispatch(args, { NODE_OPTIONS: `--require ${probe}` }, cwd);
      expect(r.exitCode, r.stderr).toBe(0);
      return /LAZY ?(.*)/.exec(r.stderr)?.[1]?.split(' ').filter(Boolean);
    };
    expect(await lazyOf(['run', '--model', 'sim', '--step', 'a', 'first'])).toEqual(['yaml.js']); // parsed once
    expect(await lazyOf(['run', '--model', 'sim', '--step', 'a', 'second'])).toEqual([]); // the parse cache holds
    expect(await lazyOf(['status', '--json'])).toEqual([]);
    // No daemon while the config changes: one would parse the edit itself (and keep the parse).
    for (const id of ['first', 'second']) await dispatch(['wait', id]);
    await dispatch(['daemon', 'stop']);
    writeFileSync(config, `${readFileSync(config, 'utf8')}# edited\n`);
    expect(await lazyOf(['status', 'first', '--json'])).toEqual([]);
    expect(await lazyOf(['run', '--model', 'sim', '--step', 'a', 'third'])).toEqual(['yaml.js']);
    const repo = join(root, 'repo');
    mkdirSync(repo);
    await execa('git', ['init', '-q'], { cwd: repo });
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init'], {
      cwd: repo,
    });
    expect(await lazyOf(['run', '--model', 'sim', '--worktree', '--step', 'a', 'fourth'], repo)).toEqual(['execa.js']);
    await dispatch(['daemon', 'stop']);
  });

  it('a reader that goes away ends the command quietly (dispatch logs ID | head -c 10)', async () => {
    const { root, env, dispatch } = setUp();
    await dispatch(['run', '--model', 'sim', '--id', 'talky', '--step', 'a', 'go']);
    // More than a pipe holds, so the writer is still writing when its reader leaves.
    writeFileSync(join(root, '.dispatch/tasks/talky/worker.log'), 'a line of output\n'.repeat(50_000));
    const r = await execa(
      'bash',
      ['-c', `node '${bin}' logs talky --raw | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      {
        cwd: root,
        extendEnv: false,
        env,
        reject: false,
      },
    );
    expect([r.stdout, r.stderr]).toEqual(['0', '']);
  });
});
