import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { type Registration, registryDir, workspaceKey } from './registry.js';

/** Where `run` registered task `id` of a workspace: `$DISPATCH_HOME/tasks/<workspace key>/<id>.json`. */
export function registrationPath(home: string, dispatchDir: string, id: string): string {
  return join(registryDir(home), workspaceKey(dispatchDir), `${id}.json`);
}

/** Whether dispatch created (and so may run) the task: a folder merely found on disk is not registered. */
export async function isRegistered(home: string, dispatchDir: string, id: string): Promise<boolean> {
  return existsSync(registrationPath(home, dispatchDir, id));
}

/** Removes a task's registration (none is fine). */
export async function unregister(home: string, dispatchDir: string, id: string): Promise<void> {
  await unlink(registrationPath(home, dispatchDir, id)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Task `id`'s registration, or null when there is none (or it is not one: a foreign file). */
export async function readRegistration(home: string, dispatchDir: string, id: string): Promise<Registration | null> {
  try {
    const r = JSON.parse(await readFile(registrationPath(home, dispatchDir, id), 'utf8')) as Registration;
    return r.id === id && r.dispatchDir === dispatchDir && typeof r.env === 'object' && r.env !== null ? r : null;
  } catch {
    return null;
  }
}

/**
 * Replaces the environment a registered task's next worker gets (DESIGN.md, "the worker's
 * environment": that of the latest command that asked for an attempt), atomically and 0600. A
 * task that is not registered stays so: false.
 */
export async function replaceRegistrationEnv(
  home: string,
  dispatchDir: string,
  id: string,
  env: Record<string, string>,
): Promise<boolean> {
  const current = await readRegistration(home, dispatchDir, id);
  if (current === null) return false;
  await writeFileAtomic(registrationPath(home, dispatchDir, id), `${JSON.stringify({ ...current, env })}\n`, {
    mode: 0o600,
  });
  return true;
}
