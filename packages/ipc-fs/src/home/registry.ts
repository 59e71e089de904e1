import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishExclusive } from '../atomic-write.js';
import { listFolder, type ListingMemo } from '../folder-listing.js';
import { ASYNC_FS, type FsCalls } from '../fs-calls.js';
import { isValidTaskId } from '../task-id.js';

/** A task `run` created and handed to the daemon: where it is and the environment it runs in. */
export interface Registration {
  id: string;
  dispatchDir: string;
  /** The workspace the worker runs in. */
  cwd: string;
  /** The environment of the `run` that created the task (kept here, mode 0600, never in the workspace). */
  env: Record<string, string>;
  registeredAt: string;
}

/** Where registrations live: `$DISPATCH_HOME/tasks/<workspace key>/<id>.json`. */
export function registryDir(home: string): string {
  return join(home, 'tasks');
}

/**
 * A short stable key for a workspace's `.dispatch` directory: sha256, in JavaScript, since `run`
 * computes it and node:crypto takes longer to load than the rest of `run` to execute.
 */
export function workspaceKey(dispatchDir: string): string {
  return bytesToHex(sha256(utf8ToBytes(dispatchDir))).slice(0, 16);
}

/**
 * Registers a task with the daemon of `home`. The daemon only ever runs registered tasks, so a
 * task folder merely found on disk (a cloned repository's `.dispatch/`) is never started.
 */
export async function registerTask(home: string, registration: Registration, fs: FsCalls = ASYNC_FS): Promise<void> {
  const dir = join(registryDir(home), workspaceKey(registration.dispatchDir));
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await publishExclusive(join(dir, `${registration.id}.json`), `${JSON.stringify(registration)}\n`, {
    mode: 0o600,
    fs,
  });
}

/**
 * Every registration under `home` (unreadable ones skipped), but those `known(key, id)` says the
 * caller already has: a daemon re-lists often, and re-reading every file each time is waste.
 * With a `memo`, a folder unchanged since its last listing costs one stat.
 */
export async function listRegistrations(
  home: string,
  known: (key: string, id: string) => boolean = () => false,
  memo?: ListingMemo,
): Promise<Registration[]> {
  const found: Registration[] = [];
  const root = registryDir(home);
  const names = async (dir: string) =>
    memo
      ? (await listFolder(dir, memo).catch(() => [])).map((e) => e.name)
      : await readdir(dir).catch(() => [] as string[]);
  const workspaces = await names(root);
  for (const key of workspaces) {
    const files = await names(join(root, key));
    for (const name of files) {
      if (!name.endsWith('.json') || known(key, name.slice(0, -'.json'.length))) continue;
      try {
        const r = JSON.parse(await readFile(join(root, key, name), 'utf8')) as Registration;
        if (isValidTaskId(r.id) && workspaceKey(r.dispatchDir) === key) found.push(r);
      } catch {
        // a half-written or foreign file: not a registration
      }
    }
  }
  return found;
}
