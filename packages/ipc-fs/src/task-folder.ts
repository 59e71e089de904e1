import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { taskPaths, tasksDir, type TaskPaths } from './paths.js';
import { isValidTaskId } from './task-id.js';
import { writeTaskFile, type TaskFile } from './task-file.js';

/**
 * Creates a task's folder as `run` does, before any worker starts: `.dispatch/` (mode 0700), the
 * task folder with `ipc/`, `requests/` and `attempts/`, then `task.json` exclusively — the claim
 * of the id, so two creators cannot share one (the loser gets `IpcError('task-exists')` and has
 * written nothing else) — then `plan.md`. A create that fails half-way (a full disk) removes what
 * it made, so no task without a plan, or folder without a task, is left behind.
 * @example await createTaskFolder(dispatchDir, task, renderPlan(task.title, steps))
 */
export async function createTaskFolder(dispatchDir: string, task: TaskFile, plan: string): Promise<TaskPaths> {
  const paths = taskPaths(dispatchDir, task.id);
  await mkdir(dispatchDir, { recursive: true, mode: 0o700 });
  const existed = existsSync(paths.dir);
  const undo = () => rm(paths.dir, { recursive: true, force: true }).catch(() => undefined);
  try {
    for (const dir of [paths.ipc, paths.requests, paths.attempts]) await mkdir(dir, { recursive: true });
    await writeTaskFile(paths, task);
  } catch (err) {
    // Never another creator's folder: not one that was there, nor one whose task.json won.
    if (!existed && !(err instanceof IpcError && err.code === 'task-exists')) await undo();
    throw err;
  }
  try {
    await writeFileAtomic(paths.plan, plan);
  } catch (err) {
    await undo(); // task.json is ours: the folder is
    throw err;
  }
  return paths;
}

/** Ids of every task folder in the workspace (valid ids only), sorted. */
export async function listTaskIds(dispatchDir: string): Promise<string[]> {
  try {
    const entries = await readdir(tasksDir(dispatchDir), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && isValidTaskId(e.name))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
