import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig } from './index.js';

const GOOD =
  'default: opus\nbackends:\n  claude:\n    command: claude -p\nmodels:\n  opus: { backend: claude }\n  sonnet: { backend: claude }\n';

describe('loadConfig with a parse cache', () => {
  let dir: string;
  let path: string;
  let cache: { dir: string; codeId: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dispatch-config-cache-'));
    path = join(dir, 'config.yaml');
    cache = { dir: join(dir, 'cache'), codeId: 'build-1' };
    await writeFile(path, GOOD);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Rewrites the cached config's default, keeping its key: only a cache hit can return it. */
  async function tamperCache(value: string) {
    const file = join(cache.dir, 'config.json');
    const entry = JSON.parse(await readFile(file, 'utf8')) as { config: { default: string } };
    entry.config.default = value;
    await writeFile(file, JSON.stringify(entry));
  }

  it('returns what parsing returns, and serves the same content from the cache (mode 0600)', async () => {
    const plain = await loadConfig(path);
    const first = await loadConfig(path, { cache });
    expect(first).toEqual(plain);
    expect((await stat(join(cache.dir, 'config.json'))).mode & 0o777).toBe(0o600);
    await tamperCache('from-the-cache');
    expect((await loadConfig(path, { cache })).config.default).toBe('from-the-cache');
  });

  it('parses again when the content, the path or the code changes', async () => {
    await loadConfig(path, { cache });
    await tamperCache('stale');
    await writeFile(path, GOOD.replace('default: opus', 'default: sonnet'));
    expect((await loadConfig(path, { cache })).config.default).toBe('sonnet');
    await tamperCache('stale');
    expect((await loadConfig(path, { cache: { ...cache, codeId: 'build-2' } })).config.default).toBe('sonnet');
  });

  it('never hides an error: a broken file fails even after its good version was cached', async () => {
    await loadConfig(path, { cache });
    await writeFile(path, GOOD.replace('backend: claude }\n  sonnet', 'backend: curser }\n  sonnet'));
    const error = await loadConfig(path, { cache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('malformed-config');
  });

  it('treats a corrupt or unwritable cache as no cache', async () => {
    await loadConfig(path, { cache });
    await writeFile(join(cache.dir, 'config.json'), '{"key": tru');
    expect((await loadConfig(path, { cache })).config.default).toBe('opus');
    const blocked = { dir: join(path, 'not-a-dir'), codeId: 'x' }; // under a file: mkdir fails
    expect((await loadConfig(path, { cache: blocked })).config.default).toBe('opus');
  });
});
