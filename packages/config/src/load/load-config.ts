import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readDataFileSync, writeFileAtomic } from '@dispatch/ipc-fs';
import type { ConfigIssue, DispatchConfig } from '../types.js';
import { readConfigText } from './read-config-text.js';

/** A config loaded without errors: the config, its warnings, and the text it came from. */
export interface LoadedConfig {
  config: DispatchConfig;
  warnings: ConfigIssue[];
  text: string;
}

export interface LoadConfigOptions {
  /**
   * Keep the parsed result in `dir` (e.g. `$DISPATCH_HOME/cache`), keyed by the file's path and
   * exact content and by `codeId`, which must change whenever the parsing or validation code may
   * have (the CLI passes its build id). A hit returns exactly what parsing would, without loading
   * the YAML parser, which is most of a short command's start-up.
   */
  cache?: { dir: string; codeId: string };
}

interface CacheEntry {
  /** codeId, path and text, compared as they are: a hash would cost every command node:crypto. */
  key: string;
  config: DispatchConfig;
  warnings: ConfigIssue[];
}

const CACHE_FILE = 'config.json';

/** One sync read: every command that loads the config reads it, and nothing else meanwhile. */
function readCache(dir: string, key: string): CacheEntry | null {
  try {
    const entry = JSON.parse(readDataFileSync(join(dir, CACHE_FILE))) as CacheEntry;
    return entry.key === key ? entry : null;
  } catch {
    return null; // none yet, or unreadable: parse as if there were no cache
  }
}

/**
 * Reads, parses and validates config.yaml (through a symlink to its target). Throws a ConfigError:
 * `missing-config` when there is no file, `malformed-config` with the first problem (one line,
 * its position in `line`/`col`) when the config cannot be used. Warnings are returned, not thrown.
 * @example
 * const { config, warnings } = await loadConfig(configPath());
 * console.log(`Config loaded: default ${config.default}, ${Object.keys(config.models).length} models`);
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const text = await readConfigText(path);
  const cache = options.cache;
  const key = cache ? `${cache.codeId}\0${path}\0${text}` : '';
  const hit = cache ? readCache(cache.dir, key) : null;
  if (hit) return { config: hit.config, warnings: hit.warnings, text };
  // The YAML parser is loaded only on a cache miss (or without a cache).
  const { parseValidConfig } = await import('./parse-valid-config.js');
  const { config, warnings } = parseValidConfig(text, path);
  if (cache) {
    const entry: CacheEntry = { key, config, warnings };
    // Best effort: a cache that cannot be written only costs the next command a parse.
    await mkdir(cache.dir, { recursive: true, mode: 0o700 })
      .then(() => writeFileAtomic(join(cache.dir, CACHE_FILE), JSON.stringify(entry), { mode: 0o600 }))
      .catch(() => undefined);
  }
  return { config, warnings, text };
}
