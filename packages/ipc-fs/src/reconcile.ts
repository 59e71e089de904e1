import { holdsSlot, type TaskEvent, type TaskState } from '@dispatch/core';
import { readExitRecord, readPidRecord } from './attempts.js';
import { cleanStaleTemps, findStaleTemps } from './atomic-write.js';
import { IpcError } from './errors.js';
import type { TaskPaths } from './paths.js';
import { listTaskIds } from './task-folder.js';
import { deriveTaskState, type ExitClassifier } from './task-state.js';

/** What reconciling one task found. */
export interface TaskReconciliation {
  id: string;
  /** Null when the task folder could not be read (see `error`). */
  state: TaskState | null;
  /** Questions waiting for an answer, oldest first. */
  pendingQuestions: { seq: number; text: string }[];
  /** Facts on disk the log has not recorded yet; a host logs them when it takes the task up. */
  unrecorded: TaskEvent[];
  /** The current attempt's worker ended while nobody watched (its exit record is unrecorded). */
  finishedWorker: { attempt: number; code: number | null; signal: string | null } | null;
  /** The task expects a live worker, but that process is gone and left no exit record. */
  lostWorker: { attempt: number; pid: number } | null;
  /** Temp files older than the limit (removed when `clean` is set). */
  staleTemps: string[];
  tornLog: boolean;
  error: IpcError | null;
}

/** Options of `reconcileWorkspace`. */
export interface ReconcileOptions {
  /** Remove the stale temp files found (a host does at start; `status` does not). */
  clean?: boolean;
  maxTempAgeMs?: number;
  /** Whether the process recorded as `<pid> <start time>` still runs (backends' isSameProcess). */
  isAlive?: (pid: number, startTime: string) => boolean;
  /** Names why an exited worker failed, as every reader must (see deriveTaskState). */
  classify: ExitClassifier;
  now?: number;
}

function tempDirs(paths: TaskPaths): string[] {
  return [paths.dir, paths.ipc, paths.attempts, paths.requests];
}

/** Removes the temp files killed writers left in a task's folders; returns their paths. */
export async function cleanTaskTemps(paths: TaskPaths, maxAgeMs = 60_000): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of tempDirs(paths))
    removed.push(...(await cleanStaleTemps(dir, maxAgeMs)).map((name) => `${dir}/${name}`));
  return removed;
}

/**
 * Scans every task of a workspace and reports what needs attention: unanswered questions,
 * workers that finished (or vanished) while no dispatcher ran, facts the log lacks, stale temp
 * files, torn logs, unreadable tasks. A restarted host runs it first, so nothing that happened
 * while it was down is lost.
 * @example for (const t of await reconcileWorkspace(dispatchDir)) if (t.pendingQuestions.length) notify(t)
 */
export async function reconcileWorkspace(
  dispatchDir: string,
  options: ReconcileOptions,
): Promise<TaskReconciliation[]> {
  const ids = await listTaskIds(dispatchDir);
  return Promise.all(ids.map((id) => reconcileTask(dispatchDir, id, options)));
}

/** `reconcileWorkspace` for one task. */
export async function reconcileTask(
  dispatchDir: string,
  id: string,
  options: ReconcileOptions,
): Promise<TaskReconciliation> {
  const report: TaskReconciliation = {
    id,
    state: null,
    pendingQuestions: [],
    unrecorded: [],
    finishedWorker: null,
    lostWorker: null,
    staleTemps: [],
    tornLog: false,
    error: null,
  };
  let derived;
  try {
    derived = await deriveTaskState(dispatchDir, id, {
      classify: options.classify,
      ...(options.now !== undefined && { now: options.now }),
    });
  } catch (err) {
    if (!(err instanceof IpcError)) throw err;
    report.error = err;
    return report;
  }
  const { context } = derived;
  report.state = derived.state;
  report.pendingQuestions = context.questions.map(({ seq, text }) => ({ seq, text }));
  report.unrecorded = derived.unrecorded;
  report.tornLog = derived.tornLog;
  const exit = derived.unrecorded.find((e) => e.type === 'worker.exited');
  if (exit) report.finishedWorker = { attempt: exit.attempt, code: exit.code, signal: exit.signal };

  const attempt = context.attempt;
  if (options.isAlive && holdsSlot(derived.state) && attempt > 0) {
    const pid = await readPidRecord(derived.paths.attempts, attempt);
    const exited = await readExitRecord(derived.paths.attempts, attempt);
    if (pid && !exited && !options.isAlive(pid.pid, pid.startTime)) report.lostWorker = { attempt, pid: pid.pid };
  }
  const maxAge = options.maxTempAgeMs ?? 60_000;
  for (const dir of tempDirs(derived.paths)) {
    const found = options.clean
      ? await cleanStaleTemps(dir, maxAge, options.now)
      : await findStaleTemps(dir, maxAge, options.now);
    report.staleTemps.push(...found.map((name) => `${dir}/${name}`));
  }
  return report;
}
