import { FINAL_STATES, type TaskState } from '@dispatch/core';
import { type DeriveOptions, type DerivedTask, deriveTaskState, IpcError, listTaskIds } from '@dispatch/ipc-fs';
import { BUILD_ID } from '../version.js';
import { classifiers } from '../worker/classify-exit.js';
import type { Caller } from '../caller.js';
import { ensureDaemonFor } from '../workspace.js';

const CONCURRENCY = 32;

/**
 * How commands derive tasks: the shared classifiers, and the derivation cache of this build (none
 * when running from sources, which have no build id to tell one version of the code from another).
 */
export const readerOptions: DeriveOptions = { ...classifiers, ...(BUILD_ID !== 'source' && { cache: BUILD_ID }) };

/** True for the states a task never leaves (completed, cancelled). */
export function isFinal(state: TaskState): boolean {
  return FINAL_STATES.includes(state);
}

/** One task derived from disk; an unknown id is `IpcError('no-such-task')` (exit 2) in one plain line. */
export async function deriveTask(dispatchDir: string, id: string): Promise<DerivedTask> {
  try {
    return await deriveTaskState(dispatchDir, id, readerOptions);
  } catch (err) {
    if (!(err instanceof IpcError && err.code === 'no-such-task')) throw err;
    throw new IpcError('no-such-task', `no task ${id} in ${dispatchDir} (see dispatch status)`, { cause: err });
  }
}

/**
 * The named tasks, derived from disk (an unknown id throws `IpcError('no-such-task')`, exit 2), or
 * with no ids every task of the workspace — skipping a folder whose task.json is not written yet
 * and, with a warning, one whose task.json is broken.
 */
export async function deriveTasks(
  dispatchDir: string,
  ids: readonly string[],
  warn?: (line: string) => void,
): Promise<DerivedTask[]> {
  if (ids.length > 0) return Promise.all(ids.map((id) => deriveTask(dispatchDir, id)));
  const derive = async (id: string): Promise<DerivedTask | null> => {
    try {
      return await deriveTaskState(dispatchDir, id, readerOptions);
    } catch (err) {
      if (err instanceof IpcError && err.code === 'no-such-task') return null; // `run` is still creating it
      if (!(err instanceof IpcError) || warn === undefined) throw err;
      warn(`skipping ${id}: ${err.message}`);
      return null;
    }
  };
  const all = await listTaskIds(dispatchDir);
  const found: (DerivedTask | null)[] = [];
  // A few at a time: file reads overlap, without opening thousands of files at once.
  for (let i = 0; i < all.length; i += CONCURRENCY)
    found.push(...(await Promise.all(all.slice(i, i + CONCURRENCY).map(derive))));
  return found.filter((t): t is DerivedTask => t !== null);
}

/** Any command that finds unfinished tasks makes sure the daemon runs (never waiting for it). */
export async function ensureDaemonIfUnfinished(caller: Caller, tasks: readonly DerivedTask[]): Promise<void> {
  if (tasks.some((t) => !isFinal(t.state))) await ensureDaemonFor(caller);
}
