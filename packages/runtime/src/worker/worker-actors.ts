import {
  BackendError,
  buildWorkerCommand,
  allowedEnv,
  resolveCommand,
  searchedPathNote,
  type SessionResume,
  workerEnv,
  workerPrompt,
} from '@dispatch/backends';
import type { ExecutorConfig } from '@dispatch/config';
import { appendFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { resumeArgs } from './resume-session.js';
import {
  claimAttempt,
  IpcError,
  markAttemptLogStart,
  readAttemptClaim,
  type AttemptClaim,
  type EngineEnd,
  readExitRecord,
  readJobRecord,
  readPidRecord,
  readTaskFile,
  readTaskWorktree,
  recordLostWorker,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import type { SpawnWorkerInput, TaskEvent } from '@dispatch/core';
import { crashPoint } from '../daemon/crash-points.js';
import { type Executor, executorFor, executorOfClaim, type Presence } from '../executors/index.js';

/** How a model's worker is run: the backend, its command and how the model is passed, from the config. */
export interface WorkerSpec {
  backend: string;
  command: string;
  /** The model flag and value (claude gets the family name), or null when none is passed. */
  modelArgs: { flag: string; value: string } | null;
  aliasPrompt?: string | undefined;
  /** The config's `worktree_setup`, run before the worker of a task that has a worktree. */
  worktreeSetup?: string | undefined;
  /** Flags for the CLI's structured output (stream-json, --json), placed before the model. */
  outputArgs?: readonly string[];
  /** The config's `budget_usd` (a task's `--budget-usd` wins). */
  budgetUsd?: number | undefined;
  /** How the backend's CLI resumes a session by id; null or absent when it cannot. */
  sessionResume?: SessionResume | null;
  /** The backend's `env:`: names its workers get besides the allow-list, or `all`. */
  env?: readonly string[] | 'all';
  /** Where its workers run (the task's `run --executor`, else the backend's `executor:`); absent: local. */
  executor?: ExecutorConfig;
}

/** What a task host knows to start workers of one task. */
export interface WorkerContext {
  paths: TaskPaths;
  dispatchDir: string;
  /** The workspace (or worktree) the worker runs in. */
  cwd: string;
  /**
   * The stored environment of the latest command that asked for an attempt (`run`, `retry`,
   * `continue`; already cut to what any backend may get), read at each spawn.
   */
  env(): NodeJS.ProcessEnv;
  /** The answer timeout the task was created with (the machine's deadline uses the same). */
  answerTimeoutSeconds: number;
  /** One executable path workers run as `"$DISPATCH_BIN" ask ...`. */
  bin: string;
  resolveWorker(model: string): WorkerSpec | Promise<WorkerSpec>;
  now(): number;
  /** How long a claimed attempt may take to show its worker's pid before it counts as lost (10 s). */
  pidWaitMs?: number;
  /** The claims read so far, by attempt: a claim never changes once made, so each is read once. */
  claims?: Map<number, AttemptClaim>;
}

/** Attempt N's claim, or null while it is not made (then read again next time). */
async function claimOf(ctx: WorkerContext, attempt: number): Promise<AttemptClaim | null> {
  const known = ctx.claims?.get(attempt);
  if (known) return known;
  const claim = await readAttemptClaim(ctx.paths.attempts, attempt);
  if (claim) ctx.claims?.set(attempt, claim);
  return claim;
}

/**
 * A CLI gone since `run` (uninstalled, or a task queued behind `--after`) still fails the
 * attempt as `cli-missing`; noted in worker.log first, the failure names the PATH searched.
 */
async function noteMissingCli(ctx: WorkerContext, command: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cli = resolveCommand(command, env, ctx.cwd);
  if (cli.status !== 'missing' || cli.searched === null) return;
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  await appendFile(ctx.paths.workerLog, `${searchedPathNote(cli.name, cli.searched)}\n`, { flag: flags }).catch(
    () => undefined,
  );
}

/**
 * The spend limit of one run, where the CLI enforces one (Claude Code's --max-budget-usd): the
 * one a `continue` raised it to, else the task's, else the config's.
 */
async function budgetArgs(paths: TaskPaths, spec: WorkerSpec, input: SpawnWorkerInput): Promise<string[]> {
  if (spec.backend !== 'claude') return [];
  const budget = input.budgetUsd ?? (await readTaskFile(paths).catch(() => null))?.options.budgetUsd ?? spec.budgetUsd;
  return typeof budget === 'number' && budget > 0 ? ['--max-budget-usd', String(budget)] : [];
}

async function launch(
  ctx: WorkerContext,
  input: SpawnWorkerInput,
  cancelled: () => boolean,
  claimed = false,
): Promise<void> {
  const { attempt, model } = input;
  const spec = await ctx.resolveWorker(model);
  const executor = claimed ? await executorOfAttempt(ctx, attempt, spec) : executorFor(spec.executor);
  if (!claimed)
    await claimAttempt(ctx.paths.attempts, {
      attempt,
      model,
      backend: spec.backend,
      claimedAt: new Date(ctx.now()).toISOString(),
      ...(executor.kind !== 'local' && { executor: { name: executor.name, kind: executor.kind } }),
    });
  crashPoint('after-attempt-claim');
  // Cancelled meanwhile (or recorded as ended by a stop): the attempt ends here, without a worker.
  if (claimed && (await readExitRecord(ctx.paths.attempts, attempt))) return;
  if (cancelled()) {
    await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()));
    return;
  }
  const prompt = workerPrompt({
    planPath: ctx.paths.plan,
    ipcDir: ctx.paths.ipc,
    contextPath: ctx.paths.context,
    answerTimeoutSeconds: ctx.answerTimeoutSeconds,
    startReason: input.startReason,
    aliasPrompt: spec.aliasPrompt,
  });
  const setup =
    spec.worktreeSetup !== undefined && readTaskWorktree(ctx.paths) !== null ? spec.worktreeSetup : undefined;
  const command = buildWorkerCommand({
    command: spec.command,
    modelFlag: spec.modelArgs?.flag ?? null,
    model: spec.modelArgs?.value ?? null,
    prompt,
    setup,
    extraArgs: [...(spec.outputArgs ?? []), ...(await budgetArgs(ctx.paths, spec, input))],
    resume: await resumeArgs(ctx.paths, attempt, input.startReason, spec.backend, model, spec.sessionResume),
  });
  // The allow-list plus what this backend's `env:` names: not every secret of the user's shell.
  const env = workerEnv(allowedEnv(ctx.env(), spec.env ?? []), {
    taskId: ctx.paths.id,
    taskDir: ctx.paths.dir,
    ipcDir: ctx.paths.ipc,
    planPath: ctx.paths.plan,
    dispatchDir: ctx.dispatchDir,
    answerTimeoutSeconds: ctx.answerTimeoutSeconds,
    bin: ctx.bin,
  });
  await markAttemptLogStart(ctx.paths, attempt);
  await noteMissingCli(ctx, spec.command, env);
  await executor.launch({ paths: ctx.paths, attempt, command, cwd: ctx.cwd, env });
  // A cancel that came while a job was being submitted found nothing to cancel yet: do it now.
  if (cancelled() && executor.kind !== 'local') await executor.stop(ctx.paths, attempt, 0);
}

/** The executor attempt N was claimed on, lent the settings of the config's entry of that name now. */
async function executorOfAttempt(ctx: WorkerContext, attempt: number, spec?: WorkerSpec): Promise<Executor> {
  const claim = await claimOf(ctx, attempt);
  if (claim?.executor === undefined) return executorFor(undefined);
  const current = spec ?? (await Promise.resolve(ctx.resolveWorker(claim.model)).catch(() => undefined));
  return executorOfClaim(claim, current?.executor);
}

/** The cluster engine attempt N was claimed on, or null for a local attempt. */
async function engineOf(ctx: WorkerContext, attempt: number): Promise<Executor | null> {
  const executor = await executorOfAttempt(ctx, attempt);
  return executor.kind === 'local' ? null : executor;
}

/**
 * The worker's pid once its wrapper recorded it; null if it ended first, or vanished (then it is
 * recorded as lost); `never-launched` when, after the wait, there is neither a wrapper record nor
 * a pid record: the claim was made, but the daemon died before launching anything.
 */
async function attach(ctx: WorkerContext, attempt: number): Promise<number | null | 'never-launched'> {
  const executor = await executorOfAttempt(ctx, attempt);
  const deadline = Date.now() + (ctx.pidWaitMs ?? 10_000);
  let presence: Presence = { is: 'none' };
  let askAt = 0;
  for (;;) {
    // Asked first (an engine's answer also records a job a crashed submit left unrecorded), then
    // at the executor's pace. A job Slurm holds pending is alive: the task stays starting.
    if (Date.now() >= askAt) {
      presence = await executor.presence(ctx.paths, attempt);
      askAt = Date.now() + executor.presenceEveryMs;
    }
    const record = await readPidRecord(ctx.paths.attempts, attempt);
    if (record) return record.pid;
    if (await readExitRecord(ctx.paths.attempts, attempt)) return null;
    if (presence.is !== 'alive' && Date.now() > deadline) {
      if (presence.is === 'none') return 'never-launched';
      await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()), presence.end);
      return null;
    }
    await new Promise((r) => setTimeout(r, executor.recordsEveryMs));
  }
}

/**
 * Starts attempt N's worker exactly once: claims the attempt record, then launches the wrapper.
 * When the claim already exists (a restarted daemon, a restored actor), it re-attaches to the
 * worker that claim started instead of spawning another. If that claim never launched anything
 * (the daemon died in between), it launches it now, under the same claim; if its worker vanished
 * without a record, it is recorded as lost, so the task fails with `crash` instead of waiting
 * forever. Returns the event to send.
 */
export async function startWorker(
  ctx: WorkerContext,
  input: SpawnWorkerInput,
  cancelled: () => boolean = () => false,
): Promise<TaskEvent> {
  const { attempt, model } = input;
  const failed = (err: unknown): TaskEvent => {
    const kind = err instanceof BackendError && err.code === 'invalid-model' ? 'model-unavailable' : 'crash';
    return { type: 'worker.spawn-failed', attempt, error: { kind, message: (err as Error).message }, at: ctx.now() };
  };
  try {
    await launch(ctx, input, cancelled);
  } catch (err) {
    if (!(err instanceof IpcError && err.code === 'attempt-claimed')) return failed(err);
  }
  let pid = await attach(ctx, attempt);
  if (pid === 'never-launched') {
    try {
      await launch(ctx, input, cancelled, true);
    } catch (err) {
      return failed(err);
    }
    pid = await attach(ctx, attempt);
  }
  // The job runs now: what status shows of it says so at once, not at the next scan.
  if (typeof pid === 'number')
    void engineOf(ctx, attempt)
      .then((engine) => engine?.presence(ctx.paths, attempt, true))
      .catch(() => undefined);
  return { type: 'worker.started', attempt, model, pid: pid === 'never-launched' ? null : pid, at: ctx.now() };
}

/**
 * How attempt N's worker ended when it is gone without an exit record (its process and wrapper
 * dead, or its job ended) — `{ end }` with the engine's word where there is one — else null.
 */
export async function workerLost(ctx: WorkerContext, attempt: number): Promise<{ end?: EngineEnd } | null> {
  const executor = await executorOfAttempt(ctx, attempt);
  // Asking an engine may cost a query (squeue): not when the records already say how it ended.
  if (executor.kind !== 'local' && (await readExitRecord(ctx.paths.attempts, attempt))) return null;
  const presence = await executor.presence(ctx.paths, attempt);
  if (presence.is !== 'gone') return null;
  // The wrapper writes the exit record as its worker ends (so asked after the presence): one there means not lost.
  if (await readExitRecord(ctx.paths.attempts, attempt)) return null;
  return presence.end ? { end: presence.end } : {};
}

/**
 * Records the job of an engine attempt whose submitting daemon died before it could (found by
 * its unique name), even when the job has long ended: status then still names it.
 */
export async function adoptJob(ctx: WorkerContext, attempt: number): Promise<void> {
  const engine = await engineOf(ctx, attempt);
  if (engine === null || (await readJobRecord(ctx.paths.attempts, attempt)) !== null) return;
  await engine.presence(ctx.paths, attempt);
}

/**
 * Brings the engine's view of an engine attempt up to date (status and the exit classifier read
 * it): called when its worker's exit record appears, before the exit is classified — Slurm marks
 * a job CANCELLED, TIMEOUT or PREEMPTED before it signals the job's processes.
 */
export async function refreshEngineView(ctx: WorkerContext, attempt: number): Promise<void> {
  const executor = await engineOf(ctx, attempt);
  if (executor === null || (await executor.presence(ctx.paths, attempt, true)).is !== 'alive') return;
  // The job outlives its worker by a moment (its batch script ends after the wrapper): look again
  // until Slurm says it ended, so status never shows a finished task's job RUNNING for ever.
  void (async () => {
    for (let look = 0; look < 10; look++) {
      await new Promise((r) => setTimeout(r, Math.max(1_000, executor.presenceEveryMs)).unref());
      if ((await executor.presence(ctx.paths, attempt, true).catch(() => null))?.is !== 'alive') return;
    }
  })();
}

/**
 * Records attempt N as lost when its worker is gone without an exit record (`recorded`), and
 * says when its executor is worth asking again (`nextInMs`: its scan interval).
 */
export async function settleLostWorker(
  ctx: WorkerContext,
  attempt: number,
): Promise<{ recorded: boolean; nextInMs: number }> {
  const nextInMs = (await executorOfAttempt(ctx, attempt)).presenceEveryMs;
  const lost = await workerLost(ctx, attempt);
  const recorded =
    lost !== null && (await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()), lost.end));
  return { recorded, nextInMs };
}

/** Stops attempt N's worker wherever it runs: its process group (SIGTERM, then SIGKILL after `graceMs`), or its job. */
export async function stopWorker(ctx: WorkerContext, attempt: number, graceMs = 5_000): Promise<void> {
  // Nothing was started for an attempt never claimed (a launch still on its way sees the cancel).
  if (attempt === 0 || !(await claimOf(ctx, attempt))) return;
  const executor = await executorOfAttempt(ctx, attempt);
  // A job is cancelled by its id, pending or running: its pid record may be hours away.
  if (executor.kind !== 'local') {
    if ((await executor.presence(ctx.paths, attempt)).is === 'none')
      await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()));
    else await executor.stop(ctx.paths, attempt, graceMs);
    return;
  }
  // A worker still starting has no pid record yet: wait for it (bounded), so cancel reaches it.
  if ((await attach(ctx, attempt)) === 'never-launched') {
    await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()));
    return;
  }
  await executor.stop(ctx.paths, attempt, graceMs);
}
