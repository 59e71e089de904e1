import { sessionResumeFor, simWorkerCommand, structuredOutputArgs } from '@dispatch/backends';
import { ConfigError, resolveModel, SIM_MODEL } from '@dispatch/config';
import type { WorkerSpec } from './worker-actors.js';
import { executorConfigFor } from '../config/task-executor.js';
import { loadUserConfig } from '../config/user-config.js';

/**
 * How to run `model`'s worker, read from the config at every spawn (an edit, like a repaired
 * model, takes effect at the next attempt). The built-in `sim` model needs no config.
 */
export async function resolveWorker(model: string, env: NodeJS.ProcessEnv, taskExecutor?: string): Promise<WorkerSpec> {
  let config = null;
  try {
    config = (await loadUserConfig(env)).config;
  } catch (err) {
    if (!(err instanceof ConfigError && err.code === 'missing-config' && model === SIM_MODEL)) throw err;
  }
  const r = resolveModel({ config, modelFlag: model });
  if (r.via === 'builtin')
    return {
      backend: 'sim',
      command: simWorkerCommand(),
      modelArgs: null,
      executor: executorConfigFor(config, taskExecutor, null),
    };
  const setup = config?.worktreeSetup;
  if (!r.backend)
    return {
      backend: 'command',
      command: r.command ?? '',
      modelArgs: null,
      aliasPrompt: r.aliasPrompt,
      worktreeSetup: setup,
      executor: executorConfigFor(config, taskExecutor, null),
    };
  return {
    backend: r.backend.name,
    command: r.backend.command,
    modelArgs: r.args,
    aliasPrompt: r.aliasPrompt,
    worktreeSetup: setup,
    outputArgs: structuredOutputArgs(r.backend.kind, r.backend.command),
    budgetUsd: config?.budgetUsd,
    sessionResume: sessionResumeFor(r.backend.kind, r.backend.command),
    env: r.backend.env,
    executor: executorConfigFor(config, taskExecutor, r.backend),
  };
}
