import { mkdir, readdir, rm } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { checkFolder, checkWorkspaceFolders, DISPATCH_DIR_LOOSE, TASK_DIR_LOOSE } from './folder-trust.js';
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
  // A `.dispatch` that is there must be ours before anything is made in it.
  if (!checkFolder(dispatchDir, DISPATCH_DIR_LOOSE)) {
    await mkdir(dispatchDir, { recursive: true, mode: 0o700 });
    checkFolder(dispatchDir, DISPATCH_DIR_LOOSE);
  }
  await mkdirOnce(tasksDir(dispatchDir));
  checkWorkspaceFolders(dispatchDir);
  // Never through a symlink planted at the id: the folder is made here, or is a real one of ours.
  const existed = !(await mkdirOnce(paths.dir));
  checkFolder(paths.dir, TASK_DIR_LOOSE);
  const undo = () => rm(paths.dir, { recursive: true, force: true }).catch(() => undefined);
  try {
    for (const dir of [paths.ipc, paths.requests, paths.attempts]) {
      await mkdirOnce(dir);
      checkFolder(dir, TASK_DIR_LOOSE);
    }
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
  if (!checkWorkspaceFolders(dispatchDir)) return [];
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

/** Makes one folder (mode 0700, its parent must exist); false when something was already there. */
async function mkdirOnce(path: string): Promise<boolean> {
  try {
    await mkdir(path, { mode: 0o700 });
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}
