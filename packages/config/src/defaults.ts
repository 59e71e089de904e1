// What the config means when it says nothing, in a module of its own: commands read these
// without loading the YAML reader (a `run` on a config cache hit parses nothing).

import { type ExecutorConfig, LOCAL_EXECUTOR } from './types.js';

/** The longest `answer_timeout`: a week (longer timers would overflow Node's 24.8-day setTimeout). */
export const MAX_ANSWER_TIMEOUT = 7 * 24 * 3600;

/** The wall-clock limit of one worker attempt when the config sets none: 3 hours. */
export const DEFAULT_TIME_LIMIT = 3 * 3600;

/** How long a model rests after a quota failure when its CLI names no reset time: 30 minutes. */
export const DEFAULT_QUOTA_COOLDOWN = 30 * 60;

/** The executor of a config that names none: workers are processes on this machine. A new object each time, so no caller shares it. */
export function localExecutor(): ExecutorConfig {
  return { name: LOCAL_EXECUTOR, kind: 'local', sbatch: [], scanInterval: undefined };
}
