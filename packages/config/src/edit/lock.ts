import lockfile from 'proper-lockfile';
import { ConfigError } from '../errors.js';

/**
 * Runs `fn` holding a lock on the config (`<configPath>.lock`, a directory made atomically by
 * proper-lockfile, its mtime refreshed while held), so two processes editing the config at once
 * take turns instead of losing an edit. A lock whose holder died (`kill -9`) goes stale after
 * 10 s and is taken over. Gives up after about 15 s with `ConfigError('config-locked')`.
 */
export async function withConfigLock<T>(configPath: string, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(configPath, {
      realpath: false,
      lockfilePath: `${configPath}.lock`,
      stale: 10_000,
      retries: { retries: 60, factor: 1.2, minTimeout: 10, maxTimeout: 500 },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new ConfigError('config-locked', `another dispatch is editing the config (${configPath}.lock); try again`, {
        file: configPath,
        cause: err,
      });
    }
    throw err;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
