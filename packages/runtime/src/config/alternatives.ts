import { type Alternative, type DispatchConfig, recoveryAlternatives } from '@dispatch/config';
import { backendMissing } from './model-cli.js';
import { loadUserConfig } from './user-config.js';

/**
 * Recovery alternatives from a loaded config: not yet tried by the task, and whose CLI is not
 * certainly missing where `env` looks (the check `run` and `doctor` make).
 */
export function alternativesIn(
  config: DispatchConfig,
  env: NodeJS.ProcessEnv,
  tried: readonly string[],
  cwd = process.cwd(),
): Alternative[] {
  return recoveryAlternatives(config, tried, (backend) => !backendMissing(backend, env, cwd));
}

/**
 * Models a failed task could be retried with: configured models whose CLI is installed and that
 * the task has not tried yet, the default first; `[]` without a (readable) config. A broken
 * config must not hide the failure itself.
 */
export async function alternativeModels(env: NodeJS.ProcessEnv, tried: readonly string[]): Promise<string[]> {
  try {
    const { config } = await loadUserConfig(env);
    return alternativesIn(config, env, tried).map((a) => a.model);
  } catch {
    return [];
  }
}
