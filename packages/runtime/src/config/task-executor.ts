import {
  type BackendConfig,
  type DispatchConfig,
  type ExecutorConfig,
  executorFor,
  LOCAL_EXECUTOR,
  nearestName,
} from '@dispatch/config';
import { usageError } from '../errors.js';
import type { RunsHere } from './model-cli.js';

/**
 * `run --executor NAME`, checked before anything is written: `local` always exists, any other
 * name must be one of the config's `executors` (exit 2 otherwise, naming the ones there are).
 */
export function checkExecutorOption(config: DispatchConfig | null, name: string | undefined): string | undefined {
  // Looked up as the config's own keys only: `constructor` or `__proto__` is no executor.
  if (name === undefined || executorFor(config, name) !== undefined) return name;
  const names = config ? Object.keys(config.executors) : [LOCAL_EXECUTOR];
  const near = nearestName(name, names);
  const where = config ? `the config (${config.path})` : 'the config (there is none)';
  throw usageError(
    `--executor ${JSON.stringify(name)}: no such executor in ${where}; executors: ${names.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
    'invalid-input',
  );
}

/**
 * Where a worker runs: the task's own `--executor`, else its backend's `executor:`, else this
 * machine. A name the config no longer has (edited since `run`) is an error the attempt fails with.
 */
export function executorConfigFor(
  config: DispatchConfig | null,
  taskExecutor: string | undefined,
  backend: BackendConfig | null,
): ExecutorConfig {
  const name = taskExecutor ?? backend?.executor ?? LOCAL_EXECUTOR;
  const found = executorFor(config, name);
  if (found === undefined)
    throw new Error(
      `executor ${JSON.stringify(name)} is not in the config${config ? ` (${config.path})` : ''} any more`,
    );
  return found;
}

/** Whether a backend's workers run here, for a task sent to `taskExecutor` (the CLI check skips the others). */
export function runsHereFor(config: DispatchConfig | null, taskExecutor: string | undefined): RunsHere {
  return (backend) => {
    try {
      return executorConfigFor(config, taskExecutor, backend).kind === 'local';
    } catch {
      return true;
    }
  };
}
