import { loadUserConfig } from '../user-config.js';

/**
 * Models a failed task could be retried with: the configured models other than the one that
 * failed, `[]` without a (readable) config. A broken config must not hide the failure itself.
 */
export async function alternativeModels(env: NodeJS.ProcessEnv, failed: string): Promise<string[]> {
  try {
    const { config } = await loadUserConfig(env);
    return Object.keys(config.models).filter((model) => model !== failed);
  } catch {
    return [];
  }
}
