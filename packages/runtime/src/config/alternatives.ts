import {
  type Alternative,
  backendExecutable,
  type DispatchConfig,
  findCommand,
  recoveryAlternatives,
} from '@dispatch/config';
import { loadUserConfig } from './user-config.js';

/** Recovery alternatives from a loaded config: installed on this PATH, not yet tried by the task. */
export function alternativesIn(
  config: DispatchConfig,
  env: NodeJS.ProcessEnv,
  tried: readonly string[],
): Alternative[] {
  return recoveryAlternatives(config, tried, (backend) => {
    const exe = backendExecutable(backend);
    return exe !== null && findCommand(exe, env.PATH) !== null;
  });
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
