import { type DispatchConfig, MODEL_FAILURES } from '@dispatch/config';
import type { TaskError } from '@dispatch/core';
import { alternativesIn } from '../config/alternatives.js';

/** What a fallback is chosen from: the failed task's model, error and the models it tried. */
export interface FailedAttempt {
  model: string;
  error: TaskError | null;
  modelsTried: readonly string[];
}

/**
 * The model a failed task is retried with on its own, by the config's `fallback` list: the first
 * listed model that the task has not tried, whose CLI is installed and that is not resting after
 * a quota failure (`cooling`) — only for failures another model gets around (a missing CLI,
 * auth, quota, an unavailable model). Each model is tried at most once per task, so fallbacks
 * end. Null: leave the task to the user.
 */
export function fallbackModel(
  failure: FailedAttempt,
  config: DispatchConfig,
  env: NodeJS.ProcessEnv,
  cooling: ReadonlySet<string>,
): string | null {
  const { error, model, modelsTried } = failure;
  if (error === null || !MODEL_FAILURES.includes(error.kind)) return null;
  const usable = new Set(alternativesIn(config, env, [...modelsTried, model]).map((a) => a.model));
  return config.fallback.find((m) => usable.has(m) && !cooling.has(m)) ?? null;
}
