import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { registryDir, workspaceKey } from './registry.js';

/** Where `run` registered task `id` of a workspace: `$DISPATCH_HOME/tasks/<workspace key>/<id>.json`. */
export function registrationPath(home: string, dispatchDir: string, id: string): string {
  return join(registryDir(home), workspaceKey(dispatchDir), `${id}.json`);
}

/** Whether dispatch created (and so may run) the task: a folder merely found on disk is not registered. */
export async function isRegistered(home: string, dispatchDir: string, id: string): Promise<boolean> {
  return stat(registrationPath(home, dispatchDir, id)).then(
    () => true,
    () => false,
  );
}

/** Removes a task's registration (none is fine). */
export async function unregister(home: string, dispatchDir: string, id: string): Promise<void> {
  await unlink(registrationPath(home, dispatchDir, id)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
