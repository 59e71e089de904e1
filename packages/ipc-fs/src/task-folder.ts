import { mkdir, readdir } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { isErrno } from './errors.js';
import { taskPaths, tasksDir, type TaskPaths } from './paths.js';
import { isValidTaskId } from './task-id.js';
import { writeTaskFile, type TaskFile } from './task-file.js';

/**
 * Creates a task's folder as `run` does, before any worker starts: `.dispatch/` (mode 0700), the
 * task folder with `ipc/`, `requests/` and `attempts/`, then `task.json` exclusively — the claim
 * of the id, so two creators cannot share one (the loser gets `IpcError('task-exists')` and has
 * written nothing else) — then `plan.md`.
 * @example await createTaskFolder(dispatchDir, task, renderPlan(task.title, steps))
 */
export async function createTaskFolder(dispatchDir: string, task: TaskFile, plan: string): Promise<TaskPaths> {
  const paths = taskPaths(dispatchDir, task.id);
  await mkdir(dispatchDir, { recursive: true, mode: 0o700 });
  for (const dir of [paths.ipc, paths.requests, paths.attempts]) await mkdir(dir, { recursive: true });
  await writeTaskFile(paths, task);
  await writeFileAtomic(paths.plan, plan);
  return paths;
}

/** Ids of every task folder in the workspace (valid ids only), sorted. */
export async function listTaskIds(dispatchDir: string): Promise<string[]> {
  try {
    const entries = await readdir(tasksDir(dispatchDir), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && isValidTaskId(e.name)).map((e) => e.name).sort();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
