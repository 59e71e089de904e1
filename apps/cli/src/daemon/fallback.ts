import { ConfigError } from '@dispatch/config/errors';
import { MODEL_FAILURES } from '@dispatch/config/recover/alternatives';
import type { TaskSnapshot } from '@dispatch/core/replay';
import { loadUserConfig } from '../user-config.js';
import { alternativesIn } from '../view/alternatives.js';

/**
 * The model a failed task is retried with on its own, by the config's `fallback` list: the first
 * listed model that the task has not tried, whose CLI is installed — only for failures another
 * model gets around (a missing CLI, auth, quota, an unavailable model). Each model is tried at
 * most once per task, so the fallbacks end. Null: leave the task to the user.
 */
export async function fallbackModel(snapshot: TaskSnapshot, env: NodeJS.ProcessEnv): Promise<string | null> {
  const { error, model, modelsTried } = snapshot.context;
  if (snapshot.value !== 'failed' || error === null || !MODEL_FAILURES.includes(error.kind)) return null;
  const config = await loadUserConfig(env).then(
    (loaded) => loaded.config,
    (err: unknown) => {
      if (err instanceof ConfigError) return null; // no config, or a broken one: nothing to fall back on
      throw err;
    },
  );
  if (config === null || config.fallback.length === 0) return null;
  const usable = new Set(alternativesIn(config, env, [...modelsTried, model]).map((a) => a.model));
  return config.fallback.find((m) => usable.has(m)) ?? null;
}
