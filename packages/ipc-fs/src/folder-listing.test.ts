import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listFolder, type ListingMemo } from './folder-listing.js';

let dir: string;
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('listFolder', () => {
  it('does not list a folder again while it provably has not changed, and lists it once it has', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dispatch-listing-'));
    writeFileSync(join(dir, 'a'), '');
    const memo: ListingMemo = new Map();
    const names = async () => (await listFolder(dir, memo)).map((e) => e.name).sort();
    const plant = () => (memo.get(dir)!.entries = [{ name: 'planted', isDirectory: false }]); // shows when the memo is used

    // Changed just now: the memo is not trusted (a change in the same clock tick would not show).
    expect(await names()).toEqual(['a']);
    plant();
    expect(await names()).toEqual(['a']);

    // Listed well after its last change: the memo stands while the folder's times stay.
    vi.useFakeTimers({ now: Date.now() + 10_000, toFake: ['Date'] });
    expect(await names()).toEqual(['a']);
    plant();
    expect(await names()).toEqual(['planted']);
    // An entry added changes the folder's times: listed again.
    writeFileSync(join(dir, 'b'), '');
    expect(await names()).toEqual(['a', 'b']);
  });

  it('throws as readdir does for a missing folder, and forgets it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dispatch-listing-'));
    const memo: ListingMemo = new Map();
    await listFolder(dir, memo);
    rmSync(dir, { recursive: true });
    await expect(listFolder(dir, memo)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(memo.has(dir)).toBe(false);
  });
});
