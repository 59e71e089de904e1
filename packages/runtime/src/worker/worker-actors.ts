import {
  BackendError,
  buildWorkerCommand,
  isSameProcess,
  allowedEnv,
  launchWorker,
  processStartTime,
  resolveCommand,
  searchedPathNote,
  type SessionResume,
  signalWorker,
  workerEnv,
  workerPrompt,
} from '@dispatch/backends';
import { appendFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { resumeArgs } from './resume-session.js';
import {
  claimAttempt,
  IpcError,
  markAttemptLogStart,
  readAttemptClaim,
  readExitRecord,
  readPidRecord,
  readTaskFile,
  readTaskWorktree,
  readWrapperRecord,
  recordLostWorker,
  type TaskPaths,
  writeWrapperRecord,
} from '@dispatch/ipc-fs';
import type { SpawnWorkerInput, TaskEvent } from '@dispatch/core';
import { crashPoint } from '../daemon/crash-points.js';

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

/** The spend limit of one run, where the CLI enforces one (Claude Code's --max-budget-usd). */
async function budgetArgs(paths: TaskPaths, spec: WorkerSpec): Promise<string[]> {
  if (spec.backend !== 'claude') return [];
  const budget = (await readTaskFile(paths).catch(() => null))?.options.budgetUsd ?? spec.budgetUsd;
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
  if (!claimed)
    await claimAttempt(ctx.paths.attempts, {
      attempt,
      model,
      backend: spec.backend,
      claimedAt: new Date(ctx.now()).toISOString(),
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
    extraArgs: [...(spec.outputArgs ?? []), ...(await budgetArgs(ctx.paths, spec))],
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
  const { wrapperPid } = await launchWorker({
    attemptsDir: ctx.paths.attempts,
    attempt,
    logFile: ctx.paths.workerLog,
    command,
    cwd: ctx.cwd,
    env,
  });
  crashPoint('after-spawn-before-pid');
  // Lets a later host tell "still starting" from "the wrapper died before writing anything".
  await writeWrapperRecord(ctx.paths.attempts, attempt, wrapperPid, processStartTime(wrapperPid) ?? '');
}

/**
 * The worker's pid once its wrapper recorded it; null if it ended first, or vanished (then it is
 * recorded as lost); `never-launched` when, after the wait, there is neither a wrapper record nor
 * a pid record: the claim was made, but the daemon died before launching anything.
 */
async function attach(ctx: WorkerContext, attempt: number): Promise<number | null | 'never-launched'> {
  const deadline = Date.now() + (ctx.pidWaitMs ?? 10_000);
  for (;;) {
    const record = await readPidRecord(ctx.paths.attempts, attempt);
    if (record) return record.pid;
    if (await readExitRecord(ctx.paths.attempts, attempt)) return null;
    const wrapper = await readWrapperRecord(ctx.paths.attempts, attempt);
    const wrapperAlive = wrapper !== null && wrapper.startTime !== '' && isSameProcess(wrapper.pid, wrapper.startTime);
    if (!wrapperAlive && Date.now() > deadline) {
      if (wrapper === null) return 'never-launched';
      await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()));
      return null;
    }
    await new Promise((r) => setTimeout(r, 20));
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
  return { type: 'worker.started', attempt, model, pid: pid === 'never-launched' ? null : pid, at: ctx.now() };
}

/** True when attempt N's worker is gone without an exit record: its process and its wrapper are dead. */
export async function workerLost(ctx: WorkerContext, attempt: number): Promise<boolean> {
  if (await readExitRecord(ctx.paths.attempts, attempt)) return false;
  const [pid, wrapper] = await Promise.all([
    readPidRecord(ctx.paths.attempts, attempt),
    readWrapperRecord(ctx.paths.attempts, attempt),
  ]);
  const alive = (r: { pid: number; startTime: string } | null) => r !== null && isSameProcess(r.pid, r.startTime);
  if (alive(pid) || alive(wrapper)) return false;
  // The wrapper writes the exit record after the worker ends: look once more before calling it lost.
  return !(await readExitRecord(ctx.paths.attempts, attempt)) && (pid !== null || wrapper !== null);
}

/** Stops attempt N's worker group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopWorker(ctx: WorkerContext, attempt: number, graceMs = 5_000): Promise<void> {
  // Nothing was started for an attempt never claimed (a launch still on its way sees the cancel).
  if (attempt === 0 || !(await readAttemptClaim(ctx.paths.attempts, attempt))) return;
  // A worker still starting has no pid record yet: wait for it (bounded), so cancel reaches it.
  if ((await attach(ctx, attempt)) === 'never-launched') {
    await recordLostWorker(ctx.paths.attempts, attempt, new Date(ctx.now()));
    return;
  }
  if (!(await signalWorker(ctx.paths.attempts, attempt, 'SIGTERM'))) return;
  crashPoint('during-cancel');
  const timer = setTimeout(
    () => void signalWorker(ctx.paths.attempts, attempt, 'SIGKILL').catch(() => undefined),
    graceMs,
  );
  timer.unref();
}
