import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

/**
 * What folders held when last listed, so a folder that provably has not changed is not listed
 * again: one stat instead of a readdir. Most of what an idle daemon does with many tasks is
 * look at folders that have not changed (the safety-net scan, the search for a killed writer's
 * temp files). Owned by whoever lists the same folders again and again.
 */
export type ListingMemo = Map<
  string,
  { version: string; listedAt: number; entries: { name: string; isDirectory: boolean }[] }
>;

/**
 * A folder's change this close to its listing may leave its times as they were: file times are
 * coarse (a kernel tick; whole seconds or two on some filesystems). Only a folder last changed
 * longer before its listing than this is taken as unchanged while its times stay.
 */
const RACY_MS = 2_000;

/**
 * The entries of `dir` (names, and whether each is a folder). With a `memo`: from it when the folder's
 * inode and times are those of its last listing and that listing came well after its last
 * change; listed (and remembered) otherwise. Throws as `readdir` does (ENOENT for none).
 * @example const names = (await listFolder(paths.ipc, memo)).map((e) => e.name)
 */
export async function listFolder(dir: string, memo?: ListingMemo): Promise<{ name: string; isDirectory: boolean }[]> {
  if (memo === undefined) return listNow(dir);
  // A sync stat: microseconds, where a trip through libuv's thread pool costs more than the call.
  let s;
  try {
    s = statSync(dir, { bigint: true });
  } catch (err) {
    memo.delete(dir);
    throw err;
  }
  const version = `${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
  const changedAt = Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n); // bigints: no Math.max
  const known = memo.get(dir);
  if (known !== undefined && known.version === version && changedAt < known.listedAt - RACY_MS) return known.entries;
  const listedAt = Date.now();
  const entries = await listNow(dir);
  memo.set(dir, { version, listedAt, entries });
  return entries;
}

async function listNow(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  return (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
}
