import { readdir } from 'node:fs/promises';
import { classifiers } from '../worker/classify-exit.js';
import { isLive, type TaskState } from '@dispatch/core';
import { deriveTaskState, isRequestName, listTaskIds, readTaskFile, taskPaths } from '@dispatch/ipc-fs';
import type { TaskRef } from './find-task.js';

/** How long an unregistered task may still be inside `run` (folder created, not registered yet). */
const REGISTERING_MS = 60_000;

/** A task's state as `clean` sees it, and why it must be kept (null when it may go). */
export interface Liveness {
  state: TaskState | 'unreadable';
  keep: string | null;
  /** Tasks waiting to run after this one (its `keep` reason then names them). */
  dependents?: string[];
}

/**
 * For each task of a workspace, the tasks that wait to run after it (queued for their first
 * attempt, `run --after`). Such a task is kept: removing it would fail them, and its id, free
 * again, could be reused by a task that runs after one of them — a cycle nothing would break.
 */
export async function waitingDependents(dispatchDir: string, now = Date.now()): Promise<Map<string, string[]>> {
  const waiting = new Map<string, string[]>();
  for (const id of await listTaskIds(dispatchDir)) {
    // task.json first: only a task that runs after others is worth deriving.
    const task = await readTaskFile(taskPaths(dispatchDir, id)).catch(() => null);
    if (!task?.options.after?.length) continue;
    const derived = await deriveTaskState(dispatchDir, id, { ...classifiers, now }).catch(() => null);
    if (derived?.state !== 'queued' || derived.context.startReason !== 'first') continue;
    for (const dep of derived.task.options.after ?? []) waiting.set(dep, [...(waiting.get(dep) ?? []), id]);
  }
  return waiting;
}

/**
 * Whether a task is live. A registered task is live in a live state, with a request the daemon
 * has not applied yet, or while tasks wait to run after it (`waiting`: pass it when asking about
 * many tasks); an unregistered one never runs, so only a brand-new one (a `run` may be
 * registering it) is kept. A task whose files cannot be read cannot run either.
 */
export async function livenessOf(ref: TaskRef, now = Date.now(), waiting?: Map<string, string[]>): Promise<Liveness> {
  let state: TaskState;
  let createdAt: number;
  try {
    const derived = await deriveTaskState(ref.dispatchDir, ref.id, { ...classifiers, now });
    state = derived.state;
    createdAt = Date.parse(derived.task.createdAt);
  } catch {
    return { state: 'unreadable', keep: null };
  }
  if (!ref.registered) {
    return {
      state,
      keep: now - createdAt < REGISTERING_MS ? 'just created; dispatch run may still be registering it' : null,
    };
  }
  // A live task (a worker alive, or the daemon about to act) is never removed.
  if (isLive(state)) return { state, keep: `it is ${state}` };
  const dependents = (waiting ?? (await waitingDependents(ref.dispatchDir, now))).get(ref.id) ?? [];
  if (dependents.length > 0)
    return {
      state,
      keep: `${dependents.join(', ')} ${dependents.length === 1 ? 'waits' : 'wait'} to run after it`,
      dependents,
    };
  const requests = await readdir(ref.paths.requests).catch(() => [] as string[]);
  if (requests.some(isRequestName)) return { state, keep: 'a request to the daemon is still pending' };
  return { state, keep: null };
}
