import {
  ConfigError,
  configPath,
  type DispatchConfig,
  dispatchHome,
  loadConfig,
  type LoadedConfig,
} from '@dispatch/config';
import { join } from 'node:path';

// Replaced by build.mjs with a hash of the config package's sources and the yaml version: a
// parse cached by another build is never trusted. Absent when sources run directly (no cache).
declare const __DISPATCH_CONFIG_CODE_ID__: string | undefined;

/**
 * The user's config.yaml, loaded with the parse cache in `$DISPATCH_HOME/cache` (keyed by exact
 * content): short commands skip the YAML parser, most of their start-up, when nothing changed.
 */
export function loadUserConfig(env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const codeId = typeof __DISPATCH_CONFIG_CODE_ID__ === 'string' ? __DISPATCH_CONFIG_CODE_ID__ : undefined;
  const cache = codeId ? { dir: join(dispatchHome(env), 'cache'), codeId } : undefined;
  return loadConfig(configPath(env), cache ? { cache } : {});
}

/** The user's config, or null when there is none yet (a broken one still throws). */
export async function userConfig(env: NodeJS.ProcessEnv): Promise<DispatchConfig | null> {
  return loadUserConfig(env).then(
    (loaded) => loaded.config,
    (err: unknown) => {
      if (err instanceof ConfigError && err.code === 'missing-config') return null;
      throw err;
    },
  );
}
