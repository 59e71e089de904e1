import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);

const fixtures = new URL('../../../packages/config/test/fixtures/', import.meta.url).pathname;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A DISPATCH_HOME holding a copy of `fixture` as config.yaml. */
function home(fixture: string): { home: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-home-'));
  copyFileSync(join(fixtures, fixture), join(dir, 'config.yaml'));
  return { home: dir, config: join(dir, 'config.yaml') };
}

function dispatch(args: string[], dispatchHome: string) {
  return execa('node', [bin, ...args], {
    reject: false,
    env: { DISPATCH_HOME: dispatchHome, NO_COLOR: '1' },
    extendEnv: true,
  });
}

describe('every malformed config: exit 2, one line naming the line, the file never touched', () => {
  const cases = readdirSync(join(fixtures, 'malformed')).filter((f) => f.endsWith('.yaml'));
  it('has a corpus of at least 25', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  describe.concurrent.each(cases)('%s', (name) => {
    const expectedFile = join(fixtures, 'malformed', name.replace(/\.yaml$/, '.expected.json'));
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as { line?: number; message: string };

    it('refuses to load it, and every edit leaves it as it was unless the edit repaired it', async () => {
      const { home: h, config } = home(`malformed/${name}`);
      const before = sha(config);
      for (const args of [[], ['config', 'show'], ['config', 'show', '--json']]) {
        const r = await dispatch(args, h);
        expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(config);
        if (expected.line !== undefined) expect(r.stderr).toContain(`${config}:${expected.line}:`);
      }
      for (const args of [
        ['config', 'add-model', 'zz-new', '--backend', 'claude'],
        ['config', 'alias', 'zz', '--model', 'opus'],
        ['config', 'remove-model', 'opus'],
        ['config', 'set-default', 'opus'],
      ]) {
        const r = await dispatch(args, h);
        if (r.exitCode === 0) {
          // Only an edit that leaves a valid config may succeed: the config loads now.
          expect((await dispatch(['config', 'show'], h)).exitCode).toBe(0);
          return;
        }
        expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(sha(config)).toBe(before);
      }
    });
  });
});

describe('config commands', () => {
  it('the reference config: warm-up, show, path', async () => {
    const { home: h, config } = home('reference.yaml');
    const warm = await dispatch([], h);
    expect([warm.exitCode, warm.stdout]).toEqual([0, 'Config loaded: default opus, 4 models, 2 aliases.']);
    const show = await dispatch(['config', 'show', '--json'], h);
    expect(JSON.parse(show.stdout)).toMatchObject({
      default: 'opus',
      models: { 'gpt-5.3-codex': { backend: 'codex' } },
    });
    expect((await dispatch(['config', 'path'], h)).stdout).toBe(config);
  });

  it('edits through the CLI keep comments and say what they did', async () => {
    const { home: h, config } = home('edit/commented.yaml');
    const comments = (t: string) => t.split('\n').filter((l) => l.trimStart().startsWith('#'));
    const before = readFileSync(config, 'utf8');
    for (const [args, out] of [
      [['config', 'set-default', 'sonnet'], 'default: sonnet'],
      [['config', 'add-model', 'haiku', '--backend', 'claude'], 'added haiku (backend claude)'],
      [['config', 'alias', 'careful', '--model', 'opus', '--prompt', 'Be careful.'], 'alias careful → opus'],
      [['config', 'remove-model', 'gpt-5.3-codex'], 'removed gpt-5.3-codex'],
    ] as const) {
      const r = await dispatch([...args], h);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, out, '']);
    }
    expect(comments(readFileSync(config, 'utf8'))).toEqual(comments(before));
    expect((await dispatch([], h)).stdout).toBe('Config loaded: default sonnet, 3 models, 2 aliases.');
  });

  it('add-backend writes any command that takes a prompt, with its models, keeping comments; bad input changes nothing', async () => {
    const { home: h, config } = home('edit/commented.yaml');
    const comments = (t: string) => t.split('\n').filter((l) => l.trimStart().startsWith('#'));
    const before = readFileSync(config, 'utf8');
    for (const args of [
      ['config', 'add-backend', 'bad name', '--command', 'sh -c true'],
      ['config', 'add-backend', 'mine', '--command', 'no-such-cli-of-dispatch-tests --go'],
      ['config', 'add-backend', 'mine', '--command', '  '],
      ['config', 'add-backend', 'mine', '--command', 'sh', '--model-flag', 'model'],
      ['config', 'add-backend', 'mine', '--command', 'sh', '--env', 'NOT-A-NAME'],
      ['config', 'add-backend', 'claude', '--command', 'sh'],
      ['config', 'add-backend', 'sim', '--command', 'sh'],
      ['config', 'add-backend', 'mine'],
    ]) {
      const r = await dispatch(args, h);
      expect([r.exitCode, r.stdout, r.stderr.split('\n').length], args.join(' ')).toEqual([2, '', 1]);
      expect(readFileSync(config, 'utf8')).toBe(before);
    }
    const r = await dispatch(
      [
        'config',
        'add-backend',
        'mine',
        '--command',
        'sh -c \'echo "$1"\' worker',
        '--model-flag=--model',
        '--env',
        'AWS_PROFILE',
        '--model',
        'house-1',
        '--json',
      ],
      h,
    );
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toEqual({ path: config, changed: true, backend: 'mine', models: ['house-1'] });
    expect(comments(readFileSync(config, 'utf8'))).toEqual(comments(before));
    const shown = JSON.parse((await dispatch(['config', 'show', '--json'], h)).stdout) as {
      backends: Record<string, unknown>;
      models: Record<string, unknown>;
    };
    expect(shown.backends.mine).toMatchObject({
      kind: 'command',
      command: 'sh -c \'echo "$1"\' worker',
      modelFlag: '--model',
      env: ['AWS_PROFILE'],
    });
    expect(shown.models['house-1']).toMatchObject({ backend: 'mine' });
    const plain = await dispatch(['config', 'add-backend', 'other', '--command', 'sh'], h);
    expect([plain.exitCode, plain.stdout]).toEqual([
      0,
      'added backend other (add a model: dispatch config add-model M --backend other)',
    ]);
  });

  it('an unknown model or a missing option is a usage error (exit 2)', async () => {
    const { home: h } = home('reference.yaml');
    expect((await dispatch(['config', 'remove-model', 'nope'], h)).exitCode).toBe(2);
    expect((await dispatch(['config', 'add-model', 'x'], h)).exitCode).toBe(2);
  });

  it('the old format loads with a hint, and migrate rewrites it', async () => {
    const { home: h } = home('old-format.yaml');
    const warm = await dispatch([], h);
    expect(warm.exitCode).toBe(0);
    expect(warm.stderr).toMatch(/dispatch config migrate/);
    const migrate = await dispatch(['config', 'migrate'], h);
    expect(migrate.exitCode).toBe(0);
    expect(migrate.stdout).toMatch(/config\.yaml\.bak/);
    const after = await dispatch([], h);
    expect([after.exitCode, after.stderr]).toEqual([0, '']);
  });

  it('without a config and without a terminal: one line naming dispatch init and sim, exit 2, never a prompt', async () => {
    const h = mkdtempSync(join(tmpdir(), 'dispatch-home-'));
    const r = await dispatch([], h);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/dispatch init/);
    expect(r.stderr).toMatch(/sim/);
  });
});
