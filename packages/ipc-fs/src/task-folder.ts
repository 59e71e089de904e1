import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { ASYNC_FS, type FsCalls } from './fs-calls.js';
import {
  checkFolder,
  checkTaskFolder,
  checkWorkspaceFolders,
  DISPATCH_DIR_LOOSE,
  TASK_DIR_LOOSE,
} from './folder-trust.js';
import { taskPaths, tasksDir, type TaskPaths } from './paths.js';
import { isValidTaskId } from './task-id.js';
import { writeTaskFile, type TaskFile } from './task-file.js';

/**
 * Creates a task's folder as `run` does, before any worker starts: `.dispatch/` (mode 0700), the
 * task folder with `ipc/`, `requests/` and `attempts/`, then `task.json` exclusively — the claim
 * of the id, so two creators cannot share one (the loser gets `IpcError('task-exists')` and has
 * written nothing else) — then `plan.md`. A create that fails half-way (a full disk) removes what
 * it made, so no task without a plan, or folder without a task, is left behind. `fs` says how the
 * file calls run (fs-calls.ts).
 * @example await createTaskFolder(dispatchDir, task, renderPlan(task.title, steps))
 */
export async function createTaskFolder(
  dispatchDir: string,
  task: TaskFile,
  plan: string,
  fs: FsCalls = ASYNC_FS,
): Promise<TaskPaths> {
  const paths = taskPaths(dispatchDir, task.id);
  // A `.dispatch` that is there must be ours before anything is made in it.
  if (!checkFolder(dispatchDir, DISPATCH_DIR_LOOSE)) {
    await fs.mkdir(dispatchDir, { recursive: true, mode: 0o700 });
    checkFolder(dispatchDir, DISPATCH_DIR_LOOSE);
  }
  if (!checkFolder(tasksDir(dispatchDir), TASK_DIR_LOOSE)) await mkdirOnce(fs, tasksDir(dispatchDir));
  checkWorkspaceFolders(dispatchDir);
  // Never through a symlink planted at the id: the folder is made here, or is a real one of ours.
  const existed = !(await mkdirOnce(fs, paths.dir));
  checkFolder(paths.dir, TASK_DIR_LOOSE);
  if (existed) await checkLeftover(fs, paths.dir);
  const undo = async () => {
    try {
      await fs.removeAll(paths.dir);
    } catch {
      // what cannot be removed stays: a later run with this id finds it and refuses, naming it
    }
  };
  try {
    // Side by side: each is one slow-ish metadata write, and none depends on another.
    const subfolders = [paths.ipc, paths.requests, paths.attempts];
    await Promise.all(subfolders.map((dir) => mkdirOnce(fs, dir)));
    for (const dir of subfolders) checkFolder(dir, TASK_DIR_LOOSE);
    await writeTaskFile(paths, task, fs);
  } catch (err) {
    // Never another creator's folder: not one that was there, nor one whose task.json won.
    if (!existed && !(err instanceof IpcError && err.code === 'task-exists')) await undo();
    throw err;
  }
  try {
    await writeFileAtomic(paths.plan, plan, { fs });
  } catch (err) {
    await undo(); // task.json is ours: the folder is
    throw err;
  }
  return paths;
}

/**
 * Ids of every task folder in the workspace (valid ids only), sorted. One sync read of a folder
 * (10,000 entries take a few ms): `status` lists tasks without loading fs/promises.
 */
export async function listTaskIds(dispatchDir: string): Promise<string[]> {
  if (!checkWorkspaceFolders(dispatchDir)) return [];
  try {
    const entries = readdirSync(tasksDir(dispatchDir), { withFileTypes: true });
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
async function mkdirOnce(fs: FsCalls, path: string): Promise<boolean> {
  try {
    await fs.mkdir(path, { mode: 0o700 });
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}

/**
 * Whether task `paths.id` can be created here: its workspace folders are ours, and a folder at the
 * id, if any, is ours and holds nothing dispatch did not make (what `createTaskFolder` checks
 * again, for `run` to refuse before it says anything).
 */
export async function checkTaskFolderFree(
  dispatchDir: string,
  paths: TaskPaths,
  fs: FsCalls = ASYNC_FS,
): Promise<void> {
  if (checkTaskFolder(dispatchDir, paths)) await checkLeftover(fs, paths.dir);
}

/** What `createTaskFolder` makes before `task.json`: all a folder that was there may hold. */
const FIRST_FOLDERS = ['ipc', 'requests', 'attempts'];

/**
 * A task folder that was there before `run` made it may be the leftover of a `run` killed before
 * it claimed the id (its empty subfolders), or a creator racing us (its `task.json` decides, by
 * the exclusive create that follows). Anything else came from elsewhere — a cloned repository's
 * committed folder with a pre-written answer, or an `events.jsonl` linked to a file of the user's
 * — and is refused, never adopted.
 */
async function checkLeftover(fs: FsCalls, dir: string): Promise<void> {
  const entries = await fs.readdirEntries(dir);
  if (entries.some((e) => e.name === 'task.json')) return;
  for (const entry of entries) {
    const empty =
      FIRST_FOLDERS.includes(entry.name) &&
      entry.isDirectory() &&
      (await fs.readdirEntries(join(dir, entry.name))).length === 0;
    if (!empty)
      throw new IpcError(
        'untrusted-folder',
        `${dir} holds ${entry.name}, which dispatch did not make: remove the folder or choose another --id`,
        { file: join(dir, entry.name) },
      );
  }
}
