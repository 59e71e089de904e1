import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import {
  ASYNC_FS,
  cleanStaleTemps,
  type FsCalls,
  IpcError,
  isTempName,
  publishExclusive,
  SYNC_FS,
  tempPathFor,
  writeFileAtomic,
} from './index.js';

// The same writers, with their file calls on the thread pool and on the calling thread (fs-calls.ts).
describe.each([
  ['on the thread pool', ASYNC_FS],
  ['blocking', SYNC_FS],
] as [string, FsCalls][])('writeFileAtomic, %s', (_, fs) => {
  it('replaces the file and leaves no temp file behind', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plan.md');
    await writeFileAtomic(file, 'one', { fs });
    await writeFileAtomic(file, 'two', { fs });
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['plan.md']);
  });

  it('applies the mode to a new file', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'env.json'), '{}', { mode: 0o600, fs });
    expect((await stat(join(dir, 'env.json'))).mode & 0o777).toBe(0o600);
  });

  it('a write that fails throws its own error, leaves no temp file and keeps the old content', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plan.md');
    await writeFileAtomic(file, 'one', { fs });
    await writeFile(join(dir, 'sub'), 'a file, not a folder');
    // The temp file cannot be made (ENOTDIR): removing it fails too, and must not hide why.
    await expect(writeFileAtomic(join(dir, 'sub', 'x.md'), 'two', { fs })).rejects.toMatchObject({
      code: 'ENOTDIR',
      syscall: 'open',
    });
    // A folder where the file is cannot be replaced by a rename.
    await expect(writeFileAtomic(dir, 'two', { fs })).rejects.toMatchObject({ syscall: 'rename' });
    expect((await readdir(dir)).sort()).toEqual(['plan.md', 'sub']);
    const ours = (name: string) => name.startsWith(`.${basename(dir)}.`);
    expect((await readdir(dirname(dir))).filter(ours)).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('one');
  });
});

describe('writeFileAtomic', () => {
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

describe.each([
  ['on the thread pool', ASYNC_FS],
  ['blocking', SYNC_FS],
] as [string, FsCalls][])('publishExclusive, %s', (_, fs) => {
  it('of 8 racing writers exactly one wins; the others get a clear error; the winner is intact', async () => {
    const dir = await tempDir();
    const file = join(dir, '001.answer');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => publishExclusive(file, `answer ${i}`, { fs })),
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
