import { type Alternative, type DispatchConfig, recoveryAlternatives } from '@dispatch/config';
import { backendMissing } from './model-cli.js';
import { loadUserConfig } from './user-config.js';

/**
 * The models a failed task could be retried with, best first, given the models it tried and the
 * kind of its failure (another backend first when the CLI itself failed).
 */
export type AlternativesLookup = (tried: readonly string[], kind?: string) => Promise<string[]>;

/**
 * Recovery alternatives from a loaded config: not yet tried by the task, and whose CLI is not
 * certainly missing where `env` looks (the check `run` and `doctor` make); after a failure of
 * the CLI itself (`kind`), other backends' models first.
 */
export function alternativesIn(
  config: DispatchConfig,
  env: NodeJS.ProcessEnv,
  tried: readonly string[],
  kind?: string,
  cwd = process.cwd(),
): Alternative[] {
  return recoveryAlternatives(config, tried, (backend) => !backendMissing(backend, env, cwd), kind);
}

/**
 * Models a failed task could be retried with: configured models whose CLI is installed and that
 * the task has not tried yet, the default first (after a CLI failure, other backends' first);
 * `[]` without a (readable) config. A broken config must not hide the failure itself.
 */
export async function alternativeModels(
  env: NodeJS.ProcessEnv,
  tried: readonly string[],
  kind?: string,
): Promise<string[]> {
  try {
    const { config } = await loadUserConfig(env);
    return alternativesIn(config, env, tried, kind).map((a) => a.model);
  } catch {
    return [];
  }
}

/** The alternatives lookup for a caller's environment (its PATH decides what is installed). */
export function alternativesFor(env: NodeJS.ProcessEnv): AlternativesLookup {
  return (tried, kind) => alternativeModels(env, tried, kind);
}
