import { localExecutor } from '../defaults.js';
import { type DispatchConfig, type ExecutorConfig, LOCAL_EXECUTOR } from '../types.js';

/**
 * The executor called `name` (undefined: `local`), or undefined when the config has none by that
 * name. Without a config (none written yet: the built-in `sim` model still runs) only `local` exists.
 * @example executorFor(config, config.backends.claude?.executor) // the executor claude's workers run on
 */
export function executorFor(config: DispatchConfig | null, name: string | undefined): ExecutorConfig | undefined {
  const wanted = name ?? LOCAL_EXECUTOR;
  if (config) return Object.hasOwn(config.executors, wanted) ? config.executors[wanted] : undefined;
  return wanted === LOCAL_EXECUTOR ? localExecutor() : undefined;
}
