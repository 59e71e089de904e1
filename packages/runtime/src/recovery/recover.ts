import { accepts } from '@dispatch/core';
import { ConfigError, DEFAULT_QUOTA_COOLDOWN } from '@dispatch/config';
import {
  activeCooldowns,
  listAttempts,
  readEngineView,
  readExitRecord,
  recordCooldown,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import { ENGINE_CURED, jobEnded } from '../executors/slurm/job-states.js';
import { loadUserConfig } from '../config/user-config.js';
import type { TaskHost } from '../host/task-host.js';
import { resumedSessionGone } from '../worker/resume-session.js';
import { fallbackModel } from './fallback.js';

/**
 * What the daemon does on its own about a task whose model ran out of quota — failed, or waiting
 * in `queued` for the reset: the model rests (until the reset time its CLI named, else the
 * config's `quota_cooldown`), so other tasks on it wait too; then, with a `fallback` list, the
 * task is retried at once with the next usable model there (logged as `retry` by `fallback`).
 * True when it retried.
 */
export async function fallBack(
  home: string,
  host: TaskHost,
  env: NodeJS.ProcessEnv,
  /** False for a task that waits because the model already rests: its rest is on record. */
  rest = true,
): Promise<boolean> {
  const { value, context } = host.snapshot;
  const error =
    value === 'failed'
      ? context.error
      : value === 'queued' && context.waiting !== null
        ? ({ kind: 'quota', message: context.waiting.message, resetAt: context.waiting.until } as const)
        : null;
  if (error === null) return false;
  const config = await loadUserConfig(env).then(
    (l) => l.config,
    (err: unknown) => {
      if (err instanceof ConfigError) return null; // no config, or a broken one: nothing to fall back on
      throw err;
    },
  );
  const now = Date.now();
  if (error.kind === 'quota' && rest) {
    const until = error.resetAt ?? now + (config?.quotaCooldown ?? DEFAULT_QUOTA_COOLDOWN) * 1000;
    await recordCooldown(home, { model: context.model, until, reason: error.message }, now);
  }
  if (config === null) return false;
  const cooling = new Set((await activeCooldowns(home, now)).keys());
  const model = fallbackModel({ ...context, error }, config, env, cooling);
  if (model === null || !accepts(host.snapshot, { type: 'retry', model, at: now })) return false;
  host.send({ type: 'retry', model, by: 'fallback', at: Date.now() });
  return true;
}

/** How many attempts of one task a cluster engine may lose before the loss fails the task. */
export const ENGINE_RETRIES = 2;

/** How attempt N's job ended in its engine's words, where an engine ran it and said so. */
async function engineEndOf(paths: TaskPaths, attempt: number): Promise<string | null> {
  const exit = await readExitRecord(paths.attempts, attempt).catch(() => null);
  if (exit?.engine) return exit.engine.state;
  if (exit?.signal == null) return null;
  const view = await readEngineView(paths.attempts, attempt).catch(() => null);
  return view && jobEnded(view.state) ? view.state : null;
}

/**
 * An attempt its cluster engine lost — its node failed or never booted, a higher-priority job
 * preempted it — ended through nothing the worker did: it goes again at once, the same model,
 * from the first open item (logged `by: 'engine'`), at most ENGINE_RETRIES times per task.
 */
export async function retryEngineLoss(host: TaskHost): Promise<boolean> {
  const { value, context } = host.snapshot;
  if (value !== 'failed' || context.error?.kind !== 'interrupted') return false;
  const ends = await Promise.all((await listAttempts(host.paths.attempts)).map((n) => engineEndOf(host.paths, n)));
  const last = ends.at(-1);
  if (last == null || !ENGINE_CURED.has(last)) return false;
  if (ends.filter((s) => s != null && ENGINE_CURED.has(s)).length > ENGINE_RETRIES) return false;
  const at = Date.now();
  if (!accepts(host.snapshot, { type: 'retry', model: context.model, at })) return false;
  host.send({ type: 'retry', model: context.model, by: 'engine', at });
  return true;
}

/**
 * An attempt that ended because the session it was to resume is gone (expired, deleted) ended
 * before the worker did anything: it goes again at once, the same model, cold (the next attempt
 * sees that this one named no live session). A failed task is retried, a blocked one (its `[?]`
 * still in the plan) continued; logged `by: resume`. Once: a cold attempt resumes nothing.
 */
export async function restartCold(host: TaskHost): Promise<boolean> {
  const { context, value } = host.snapshot;
  if (value === 'queued') return false; // waiting for a quota: the wait, not a gone session, holds it
  const at = Date.now();
  const event = accepts(host.snapshot, { type: 'retry', model: context.model, at })
    ? ({ type: 'retry', model: context.model, by: 'resume', at } as const)
    : accepts(host.snapshot, { type: 'continue', model: null, at })
      ? ({ type: 'continue', model: null, by: 'resume', at } as const)
      : null;
  if (event === null || !(await resumedSessionGone(host.paths, context.attempt))) return false;
  if (!accepts(host.snapshot, event)) return false; // it moved on meanwhile
  host.send(event);
  return true;
}
