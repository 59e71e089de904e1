import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { diskWriteError, IpcError, isErrno } from './errors.js';
import { ASYNC_FS, type FsCalls } from './fs-calls.js';

/** Temp files are hidden, named after their target and their writer, and end in `.tmp`. */
const TEMP_PATTERN = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * A temp path beside `path`, unique to this writer (pid + 48 random bits), never matching a protocol
 * name. It is created exclusively ('wx'), so uniqueness is checked, not assumed; Math.random spares
 * every command loading node:crypto for it.
 */
export function tempPathFor(path: string): string {
  const random = Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, '0');
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/** True for names made by `tempPathFor` (watchers and scanners skip them). */
export function isTempName(name: string): boolean {
  return TEMP_PATTERN.test(name);
}

export interface WriteOptions {
  /** File mode of a new file (default 0o644; secrets use 0o600). */
  mode?: number;
  /** Called when the data is on disk but not yet published (crash tests stop here). */
  beforePublish?: () => void;
  /** How the file calls run (default: on the thread pool); see fs-calls.ts. */
  fs?: FsCalls;
}

async function writeDurably(fs: FsCalls, path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const fd = await fs.open(path, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += await fs.write(fd, buf, off, buf.length - off);
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
}

/** fsync a directory so a rename or link in it survives a power loss. */
export async function fsyncDir(dir: string, fs: FsCalls = ASYNC_FS): Promise<void> {
  const fd = await fs.open(dir, 'r');
  try {
    await fs.fsync(fd);
  } catch (err) {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
    if (!isErrno(err, 'EINVAL') && !isErrno(err, 'EISDIR')) throw err;
  } finally {
    await fs.close(fd);
  }
}

/**
 * Replaces `path` atomically and durably: a temp file of this writer's own, fsync, rename, fsync
 * of the directory. Readers see the old content or the new, never a mix; a crash leaves at worst
 * a stale temp file, which `cleanStaleTemps` removes.
 * @example await writeFileAtomic(paths.taskJson, JSON.stringify(task))
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const { fs = ASYNC_FS } = options;
  const tmp = tempPathFor(path);
  try {
    await writeDurably(fs, tmp, data, options.mode ?? 0o644);
    await fs.rename(tmp, path);
  } catch (err) {
    try {
      await fs.removeAll(tmp);
    } catch {
      // its removal must not hide why the write failed (ENOTDIR fails both)
    }
    throw diskWriteError(err, path);
  }
  await fsyncDir(dirname(path), fs);
}

/**
 * Publishes `path` only if it does not exist yet, atomically and durably (`link()` of a complete
 * temp file; `rename` would silently replace a file another writer published first). Of any
 * number of racing writers exactly one succeeds; the others get `IpcError('already-exists')`.
 */
export async function publishExclusive(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const { fs = ASYNC_FS } = options;
  const tmp = tempPathFor(path);
  try {
    await writeDurably(fs, tmp, data, options.mode ?? 0o644);
    options.beforePublish?.();
    await fs.link(tmp, path);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) {
      throw new IpcError('already-exists', `${path} already exists: another writer published it first`, {
        file: path,
        cause: err,
      });
    }
    throw diskWriteError(err, path);
  } finally {
    try {
      await fs.unlink(tmp);
    } catch {
      // gone already (never made, or a cleaner's)
    }
  }
  await fsyncDir(dirname(path), fs);
}

/**
 * Temp files in `dir` older than `maxAgeMs` — ours and workers' (`*.tmp`, as the reference worker
 * writes `001.question.tmp`) — left by a killed writer; a live writer's are younger.
 */
export async function findStaleTemps(dir: string, maxAgeMs = 60_000, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const stale: string[] = [];
  for (const name of names) {
    if (!name.endsWith('.tmp')) continue;
    try {
      if (now - (await stat(join(dir, name))).mtimeMs >= maxAgeMs) stale.push(name);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return stale;
}

/**
 * Removes temp files older than `maxAgeMs` that a killed writer left in `dir` (run at start).
 * Returns the names removed. Younger ones may belong to a live writer and are left alone.
 */
export async function cleanStaleTemps(dir: string, maxAgeMs = 60_000, now = Date.now()): Promise<string[]> {
  const stale = await findStaleTemps(dir, maxAgeMs, now);
  for (const name of stale) await rm(join(dir, name), { force: true });
  return stale;
}
