import { chmodSync, lstatSync } from 'node:fs';
import { IpcError, isErrno } from './errors.js';
import { tasksDir, type TaskPaths } from './paths.js';

/**
 * Whether `path` is a folder dispatch may keep task files in: a real directory (not a symlink),
 * owned by this user, writable by no one else. Our own folder with a looser mode is fixed (an
 * existing `.dispatch/` kept 0755, so task files were readable by all); anything else is refused
 * with one line: a committed symlink at a task id sent a new task's files outside the repository,
 * and a `.dispatch` linked into another user's folder let that user swap the task under us.
 * Returns false when nothing is there yet. Ancestors are not checked: a workspace under /tmp is normal.
 */
export function checkFolder(path: string, looseBits: number): boolean {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  const refuse = (why: string) =>
    new IpcError('untrusted-folder', `${path} ${why}: dispatch keeps task files only in real folders you own`, {
      file: path,
    });
  if (stats.isSymbolicLink()) throw refuse('is a symbolic link');
  if (!stats.isDirectory()) throw refuse('is not a directory');
  const uid = ownUid();
  if (uid !== undefined && stats.uid !== uid) throw refuse(`belongs to another user (uid ${stats.uid})`);
  if ((stats.mode & looseBits) !== 0) chmodSync(path, stats.mode & 0o777 & ~looseBits);
  return true;
}

let uid: number | undefined | null = null;
/** This process's uid, asked once (each `process.getuid()` is a system call), or undefined on Windows. */
function ownUid(): number | undefined {
  if (uid === null) uid = process.getuid?.();
  return uid;
}

/** `.dispatch/` is 0700, as `run` creates it: nobody else reads a task. */
export const DISPATCH_DIR_LOOSE = 0o077;
/** Folders inside it: writable by this user only. */
export const TASK_DIR_LOOSE = 0o022;

const trustedWorkspaces = new Set<string>();

/**
 * Checks `.dispatch/` and its `tasks/` folder once per process (a folder that passed stays ours:
 * nobody else can write inside a 0700 folder we own). False while `.dispatch/` does not exist.
 */
export function checkWorkspaceFolders(dispatchDir: string): boolean {
  if (trustedWorkspaces.has(dispatchDir)) return true;
  if (!checkFolder(dispatchDir, DISPATCH_DIR_LOOSE)) return false;
  checkFolder(tasksDir(dispatchDir), TASK_DIR_LOOSE);
  trustedWorkspaces.add(dispatchDir);
  return true;
}

/** Checks a task's folder (and its workspace's) before it is read or written through its id. */
export function checkTaskFolder(dispatchDir: string, paths: Pick<TaskPaths, 'dir'>): boolean {
  checkWorkspaceFolders(dispatchDir);
  return checkFolder(paths.dir, TASK_DIR_LOOSE);
}
