import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { TaskPaths } from './paths.js';
import { FILE_LIMITS, readDataFileSync } from './safe-read.js';

/** `worktree.json` in a task folder: where its worker works, on which branch, from which base. */
export interface TaskWorktree {
  /** The main repository's top folder. */
  repo: string;
  path: string;
  branch: string;
  /** The ref as given (`HEAD` by default) and the commit it named when the task was created. */
  base: string;
  baseCommit: string;
}

const fileOf = (paths: Pick<TaskPaths, 'dir'>) => join(paths.dir, 'worktree.json');

/** The task's worktree, or null for a task that runs in the workspace itself. */
export function readTaskWorktree(paths: Pick<TaskPaths, 'dir'>): TaskWorktree | null {
  const file = fileOf(paths);
  return existsSync(file) ? (JSON.parse(readDataFileSync(file, { limit: FILE_LIMITS.record })) as TaskWorktree) : null;
}

/** Forgets the task's worktree (after `discard` removed it). */
export async function removeTaskWorktree(paths: Pick<TaskPaths, 'dir'>): Promise<void> {
  await rm(fileOf(paths), { force: true });
}

/** Records the task's worktree (atomically). */
export async function writeTaskWorktree(paths: Pick<TaskPaths, 'dir'>, worktree: TaskWorktree): Promise<void> {
  await writeFileAtomic(fileOf(paths), `${JSON.stringify(worktree, null, 2)}\n`);
}
