import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, Script } from 'node:vm';

/**
 * Runs a CommonJS bundle with a V8 code cache: the bytecode of what a command ran last time is kept
 * in the user's cache folder (`~/.cache/dispatch/v8/`), so the next run deserializes it instead of
 * parsing and compiling the bundle again. (Node 20 has no `module.enableCompileCache()`;
 * `vm.Script` `cachedData` is its way.) The cache is only a speed-up: any failure to read or write it runs the bundle without one.
 */
export interface CachedBundle {
  /** The bundle file: plain ASCII, a CommonJS module already in node's function wrapper. */
  file: string;
  /** A hash of the bundle's content: V8 checks a cache only against the source's length. */
  hash: string;
  /** The cache folder, or null for none. */
  cacheDir: string | null;
  /** What ran (a command name): each gets the bytecode of its own path through the bundle. */
  key: string;
}

/** A cache of another build unread this long is removed. */
const STALE_MS = 7 * 24 * 3600_000;

export function runCachedBundle<T>(bundle: CachedBundle): T {
  // Latin-1 is a plain copy of bytes; the build keeps the bundle ASCII, so it reads the same as UTF-8.
  // It is stored wrapped (`(function (exports, require, ...) {...})`): compiled as read, no copy.
  const source = readFileSync(bundle.file, 'latin1');
  const cachePath =
    bundle.cacheDir === null
      ? null
      : join(bundle.cacheDir, `${bundleName(bundle.file)}.${bundle.hash}.${bundle.key}.bin`);
  const found = cachePath === null ? undefined : readOwnFile(cachePath);
  // An empty file marks a command's first run: the first after an install does one-time work (every
  // task's derived state rebuilt for the new build, the daemon replaced) whose bytecode later runs
  // would only deserialize, so the second run writes the cache and the first leaves this mark.
  const cachedData = found !== undefined && found.length > 0 ? found : undefined;
  const script = new Script(source, {
    filename: bundle.file,
    cachedData,
    // The bundle's own `import()` of an external package (elkjs) goes to node's loader.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachePath !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit the bytecode holds every function this command compiled, not just the top level.
    const bytecode = found === undefined ? null : script;
    process.once('exit', () => writeCache(cachePath, bytecode));
  }
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle.file), module, bundle.file, dirname(bundle.file));
  return module.exports;
}

function bundleName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.c?js$/, '');
}

/**
 * A cache file only this user could have written: V8 runs what it holds, so a file owned by another
 * user, or writable by others, is never used.
 */
function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || (process.getuid !== undefined && stat.uid !== process.getuid()) || (stat.mode & 0o022) !== 0)
      return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes a command's bytecode, or with no script the empty mark of its first run. */
function writeCache(path: string, script: Script | null): void {
  try {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, script === null ? '' : script.createCachedData(), { mode: 0o600 });
    renameSync(temp, path);
    // Caches of other builds of this bundle go once unread for a week (two installs in use at once
    // must not delete each other's on every run).
    const [bundle, hash] = path.slice(dir.length + 1).split('.');
    const old = Date.now() - STALE_MS;
    for (const entry of readdirSync(dir)) {
      const [otherBundle, otherHash] = entry.split('.');
      if (otherBundle !== bundle || otherHash === hash || !entry.endsWith('.bin')) continue;
      if (statSync(join(dir, entry)).atimeMs < old) rmSync(join(dir, entry), { force: true });
    }
  } catch {
    // A cache that cannot be written only costs the next run its speed-up.
  }
}
