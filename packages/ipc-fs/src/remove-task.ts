import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unregister } from './home/registration.js';
import { taskPaths, tasksDir } from './paths.js';

/** Prefix of a task folder being removed: not a valid task id, so nothing lists it as a task. */
const REMOVING = '.removing-';

/**
 * Removes a task (what `clean` does, after checking it is not live): its folder is first renamed
 * out of the task namespace (so no reader sees half a task), then its registration goes, then
 * the files. A kill at any point leaves a whole task or a leftover `sweepRemovedTasks` finishes.
 */
export async function removeTask(home: string, dispatchDir: string, id: string): Promise<void> {
  const doomed = join(tasksDir(dispatchDir), `${REMOVING}${id}-${randomBytes(4).toString('hex')}`);
  await rename(taskPaths(dispatchDir, id).dir, doomed);
  await unregister(home, dispatchDir, id);
  await rm(doomed, { recursive: true, force: true });
}

/** Finishes the removals an interrupted `clean` left behind. */
export async function sweepRemovedTasks(dispatchDir: string): Promise<void> {
  const names = await readdir(tasksDir(dispatchDir)).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(REMOVING)))
    await rm(join(tasksDir(dispatchDir), name), { recursive: true, force: true });
}
