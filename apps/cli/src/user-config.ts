import { join } from 'node:path';
import { configPath, dispatchHome } from '@dispatch/config/home';
import { loadConfig, type LoadedConfig } from '@dispatch/config/load/load-config';

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
