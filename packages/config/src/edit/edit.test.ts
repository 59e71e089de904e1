import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addModel, editConfig, loadConfig, migrateConfig, removeModel, setAlias, setDefault } from '../index.js';

const fixture = (name: string) => new URL(`../../test/fixtures/edit/${name}`, import.meta.url).pathname;
const commentLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trimStart().startsWith('#'))
    .map((l) => l.trim());
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-config-'));
  const path = join(dir, 'config.yaml');
  copyFileSync(fixture(name), path);
  return path;
}

describe("config edits keep the user's comments and layout", () => {
  const edits: [string, Parameters<typeof editConfig>[1]][] = [
    ['set-default', (doc) => setDefault(doc, 'sonnet')],
    ['add-model', (doc) => addModel(doc, 'haiku', 'claude')],
    ['remove-model', (doc) => removeModel(doc, 'gpt-5.3-codex')],
    ['alias', (doc) => setAlias(doc, 'reviewer', 'opus', 'You are a careful reviewer.')],
    ['alias (change)', (doc) => setAlias(doc, 'quick', 'opus')],
  ];
  for (const [name, edit] of edits) {
    it(`${name}: every comment line survives, and the result loads`, async () => {
      const path = copyOf('commented.yaml');
      const before = readFileSync(path, 'utf8');
      const result = await editConfig(path, edit);
      const after = readFileSync(path, 'utf8');
      expect(result.changed).toBe(true);
      expect(commentLines(after)).toEqual(commentLines(before));
      expect(after).toContain('default: '); // the layout is the user's, not re-serialized from scratch
      await loadConfig(path);
    });
  }

  it('writes what each edit says', async () => {
    const path = copyOf('commented.yaml');
    await editConfig(path, (doc) => setDefault(doc, 'sonnet'));
    await editConfig(path, (doc) => addModel(doc, 'haiku', 'claude'));
    await editConfig(path, (doc) => setAlias(doc, 'reviewer', 'opus', 'Be careful.'));
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^default: sonnet +# the usual$/m);
    expect(text).toContain('haiku: { backend: claude }');
    const { config } = await loadConfig(path);
    expect(config.default).toBe('sonnet');
    expect(config.models.haiku?.backend).toBe('claude');
    expect(config.aliases.reviewer).toMatchObject({ model: 'opus', prompt: 'Be careful.' });
  });
});

describe('config edits refuse to break the config', () => {
  it('an edit that leaves a fault is refused and changes nothing', async () => {
    const path = copyOf('commented.yaml');
    const before = sha(path);
    await expect(editConfig(path, (doc) => setDefault(doc, 'nonexistent'))).rejects.toMatchObject({
      code: 'malformed-config',
    });
    await expect(editConfig(path, (doc) => addModel(doc, 'x', 'no-such-backend'))).rejects.toThrow(/refused/);
    await expect(editConfig(path, (doc) => removeModel(doc, 'sonnet'))).rejects.toThrow(/refused/); // quick → sonnet
    await expect(editConfig(path, (doc) => removeModel(doc, 'nope'))).rejects.toMatchObject({ code: 'unknown-model' });
    expect(sha(path)).toBe(before);
  });

  it('an edit that repairs the only fault succeeds', async () => {
    const path = copyOf('commented.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('default: opus', 'default: opsu'));
    await expect(loadConfig(path)).rejects.toThrow(/opsu/);
    await editConfig(path, (doc) => setDefault(doc, 'opus'));
    expect((await loadConfig(path)).config.default).toBe('opus');
  });

  it('a config that does not parse is never overwritten', async () => {
    const path = copyOf('commented.yaml');
    writeFileSync(path, 'default: opus\nmodels: [unclosed\n');
    const before = sha(path);
    await expect(editConfig(path, (doc) => setDefault(doc, 'opus'))).rejects.toMatchObject({
      code: 'malformed-config',
    });
    expect(sha(path)).toBe(before);
  });

  it('writes through a symlinked config to its target, keeping the link and the mode', async () => {
    const target = copyOf('commented.yaml');
    chmodSync(target, 0o600);
    const link = join(mkdtempSync(join(tmpdir(), 'dispatch-link-')), 'config.yaml');
    symlinkSync(target, link);
    const result = await editConfig(link, (doc) => setDefault(doc, 'sonnet'));
    expect(result.path).toBe(target);
    expect(statSync(link, { throwIfNoEntry: false })?.isFile()).toBe(true);
    expect((await loadConfig(target)).config.default).toBe('sonnet');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});

describe('config migrate', () => {
  it('rewrites the old format, keeps its comments and a backup, and resolves the same names', async () => {
    const path = copyOf('old-format-commented.yaml');
    const original = readFileSync(path, 'utf8');
    const result = await migrateConfig(path);
    expect(result.migrated).toEqual(['reviewer', 'fast']);
    expect(readFileSync(result.backup, 'utf8')).toBe(original);
    const text = readFileSync(path, 'utf8');
    expect(commentLines(text)).toEqual(commentLines(original));
    const { config, warnings } = await loadConfig(path);
    expect(config.format).toBe('current');
    expect(warnings).toEqual([]);
    expect(config.default).toBe('reviewer');
    expect(config.backends.reviewer).toMatchObject({ command: 'claude -p --model opus', modelFlag: null });
    expect(config.backends.fast?.command).toBe('codex exec --full-auto');
    expect(config.models.fast).toEqual({ id: 'fast', backend: 'fast' });
    await expect(migrateConfig(path)).rejects.toThrow(/already in the current format/);
  });
});

describe('two processes editing at once', () => {
  it('never produce a torn or lost edit', async () => {
    const path = copyOf('commented.yaml');
    const worker = fixture('edit-worker.mjs');
    const run = promisify(execFile);
    await Promise.all([run('node', [worker, path, 'a', '15']), run('node', [worker, path, 'b', '15'])]);
    const { config } = await loadConfig(path);
    for (const prefix of ['a', 'b'])
      for (let i = 0; i < 15; i++) expect(config.models[`${prefix}-${i}`]?.backend).toBe('claude');
    expect(commentLines(readFileSync(path, 'utf8'))).toEqual(
      commentLines(readFileSync(fixture('commented.yaml'), 'utf8')),
    );
  });
});

describe('an edit touches only what it changes', () => {
  it('set-default on the reference config changes the default line and nothing else but spacing', async () => {
    const path = copyOf('../reference.yaml');
    const before = readFileSync(path, 'utf8').split('\n');
    await editConfig(path, (doc) => setDefault(doc, 'sonnet'));
    const after = readFileSync(path, 'utf8').split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line.replace(/\s+/g, ' ') !== before[i]!.replace(/\s+/g, ' '));
    expect(changed).toEqual(['default: sonnet']);
  });
});
