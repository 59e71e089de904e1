import {
  BackendError,
  buildWorkerCommand,
  launchWorker,
  signalWorker,
  workerEnv,
  workerPrompt,
} from '@dispatch/backends';
import type { SpawnWorkerInput, TaskEvent } from '@dispatch/core';
import { claimAttempt, IpcError, readPidRecord, readExitRecord, type TaskPaths } from '@dispatch/ipc-fs';

/** How a model's worker is run: the backend and its command, from the config. */
export interface WorkerSpec {
  backend: string;
  command: string;
  modelFlag: string | null;
  aliasPrompt?: string;
}

/** What a task host knows to start workers of one task. */
export interface WorkerContext {
  paths: TaskPaths;
  dispatchDir: string;
  /** The workspace (or worktree) the worker runs in. */
  cwd: string;
  /** The environment of the `run` that created the task. */
  env: NodeJS.ProcessEnv;
  answerTimeoutSeconds: number;
  /** How workers run this CLI (`$DISPATCH_BIN`). */
  bin: string;
  resolveWorker(model: string): WorkerSpec;
  now(): number;
}

async function waitForPid(ctx: WorkerContext, attempt: number, timeoutMs = 10_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await readPidRecord(ctx.paths.attempts, attempt);
    if (record) return record.pid;
    if (await readExitRecord(ctx.paths.attempts, attempt)) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
  return null;
}

/**
 * Starts attempt N's worker exactly once: claims the attempt record, then launches the wrapper.
 * When the claim already exists (a restarted daemon, a restored actor), it re-attaches to the
 * worker that claim started instead of spawning another. Returns the event to send.
 */
export async function startWorker(ctx: WorkerContext, input: SpawnWorkerInput): Promise<TaskEvent> {
  const { attempt, model } = input;
  try {
    const spec = ctx.resolveWorker(model);
    await claimAttempt(ctx.paths.attempts, { attempt, model, backend: spec.backend, claimedAt: new Date(ctx.now()).toISOString() });
    const prompt = workerPrompt({
      planPath: ctx.paths.plan,
      ipcDir: ctx.paths.ipc,
      contextPath: ctx.paths.context,
      answerTimeoutSeconds: ctx.answerTimeoutSeconds,
      startReason: input.startReason,
      aliasPrompt: spec.aliasPrompt,
    });
    const command = buildWorkerCommand({ command: spec.command, modelFlag: spec.modelFlag, model, prompt });
    const env = workerEnv(ctx.env, {
      taskId: ctx.paths.id,
      taskDir: ctx.paths.dir,
      ipcDir: ctx.paths.ipc,
      planPath: ctx.paths.plan,
      dispatchDir: ctx.dispatchDir,
      answerTimeoutSeconds: ctx.answerTimeoutSeconds,
      bin: ctx.bin,
    });
    await launchWorker({ attemptsDir: ctx.paths.attempts, attempt, logFile: ctx.paths.workerLog, command, cwd: ctx.cwd, env });
  } catch (err) {
    if (!(err instanceof IpcError && err.code === 'attempt-claimed')) {
      const kind = err instanceof BackendError && err.code === 'invalid-model' ? 'model-unavailable' : 'crash';
      return { type: 'worker.spawn-failed', attempt, error: { kind, message: (err as Error).message }, at: ctx.now() };
    }
  }
  return { type: 'worker.started', attempt, model, pid: await waitForPid(ctx, attempt), at: ctx.now() };
}

/** Stops attempt N's worker group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopWorker(ctx: WorkerContext, attempt: number, graceMs = 5_000): Promise<void> {
  if (!(await signalWorker(ctx.paths.attempts, attempt, 'SIGTERM'))) return;
  const timer = setTimeout(() => void signalWorker(ctx.paths.attempts, attempt, 'SIGKILL'), graceMs);
  timer.unref();
}
