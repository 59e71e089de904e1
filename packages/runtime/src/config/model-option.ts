import { ConfigError, resolveModel } from '@dispatch/config';
import { usageError } from '../errors.js';
import type { Caller } from '../caller.js';
import { loadUserConfig } from './user-config.js';

/**
 * Validates a `--model` for a retry or continue against the config (the built-in `sim` needs
 * none): an unknown model is `unknown-model` (exit 2). Returns the name as given, so an alias
 * keeps its prompt when the daemon resolves it at spawn.
 */
export async function checkModelOption(caller: Caller, value: unknown): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const model = String(value).trim();
  if (model === '') throw usageError('--model: name a model or alias', 'invalid-input');
  const config = await loadUserConfig(caller.env).then(
    (loaded) => loaded.config,
    (err: unknown) => {
      // Without a config only `sim` resolves; resolveModel says so for any other name.
      if (err instanceof ConfigError && err.code === 'missing-config') return null;
      throw err;
    },
  );
  resolveModel({ config, modelFlag: model });
  return model;
}
