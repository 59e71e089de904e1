import { type ExecutorConfig, LOCAL_EXECUTOR } from '@dispatch/config';
import type { AttemptClaim } from '@dispatch/ipc-fs';
import type { Executor } from './executor.js';
import { localExecutor } from './local-executor.js';
import { createSlurmExecutor } from './slurm/slurm-executor.js';

export type { AttemptLaunch, Executor, Presence } from './executor.js';
export { localExecutor } from './local-executor.js';

const made = new Map<string, Executor>();

/** The executor a config entry describes (local when none): one instance per distinct entry. */
export function executorFor(config: ExecutorConfig | undefined): Executor {
  if (config === undefined || config.kind === 'local') return localExecutor;
  const key = JSON.stringify(config);
  let executor = made.get(key);
  if (!executor) made.set(key, (executor = createSlurmExecutor(config)));
  return executor;
}

/**
 * The executor an attempt was claimed on — whatever the config says now, an attempt is followed
 * where it was started. `current` (the config's entry of that name today) lends its settings.
 */
export function executorOfClaim(claim: AttemptClaim | null, current: ExecutorConfig | undefined): Executor {
  const claimed = claim?.executor;
  if (claimed?.kind !== 'slurm') return localExecutor;
  if (current && current.name === claimed.name && current.kind === claimed.kind) return executorFor(current);
  return executorFor({ name: claimed.name, kind: 'slurm', sbatch: [], scanInterval: undefined });
}

export { LOCAL_EXECUTOR };
