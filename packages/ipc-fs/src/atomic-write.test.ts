import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import { cleanStaleTemps, IpcError, isTempName, publishExclusive, tempPathFor, writeFileAtomic } from './index.js';

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plan.md');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['plan.md']);
  });

  it('applies the mode to a new file', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'env.json'), '{}', { mode: 0o600 });
    expect((await stat(join(dir, 'env.json'))).mode & 0o777).toBe(0o600);
  });

  it('a reader racing 200 rewrites only ever sees whole versions', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plan.md');
    const versions = Array.from({ length: 200 }, (_, i) => `version ${i} ${'x'.repeat(4096)}\n`);
    await writeFileAtomic(file, versions[0]!);
    const known = new Set(versions);
    let reads = 0;
    const writer = (async () => {
      for (const v of versions) await writeFileAtomic(file, v);
    })();
    let done = false;
    void writer.then(() => (done = true));
    while (!done) {
      expect(known.has(await readFile(file, 'utf8'))).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('temp names are unique per writer and recognisable', () => {
    const a = tempPathFor('/d/001.answer');
    const b = tempPathFor('/d/001.answer');
    expect(a).not.toBe(b);
    expect(isTempName(a.split('/').at(-1)!)).toBe(true);
    expect(isTempName('001.answer')).toBe(false);
    expect(isTempName('001.question.tmp')).toBe(false);
  });
});

describe('publishExclusive', () => {
  it('of 8 racing writers exactly one wins; the others get a clear error; the winner is intact', async () => {
    const dir = await tempDir();
    const file = join(dir, '001.answer');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => publishExclusive(file, `answer ${i}`)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(IpcError);
      expect((r.reason as IpcError).code).toBe('already-exists');
    }
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(await readFile(file, 'utf8')).toBe(`answer ${winner}`);
    expect(await readdir(dir)).toEqual(['001.answer']);
  });
});

describe('cleanStaleTemps', () => {
  it('removes only temp files older than the limit', async () => {
    const dir = await tempDir();
    const old = tempPathFor(join(dir, 'plan.md'));
    const fresh = tempPathFor(join(dir, 'plan.md'));
    await writeFile(old, 'half');
    await writeFile(fresh, 'half');
    await writeFile(join(dir, 'plan.md'), 'real');
    const past = new Date(Date.now() - 120_000);
    await utimes(old, past, past);
    expect(await cleanStaleTemps(dir, 60_000)).toEqual([old.split('/').at(-1)]);
    expect((await readdir(dir)).sort()).toEqual([fresh.split('/').at(-1), 'plan.md'].sort());
  });

  it('a missing directory has nothing to clean', async () => {
    expect(await cleanStaleTemps('/nonexistent/dir')).toEqual([]);
  });
});
