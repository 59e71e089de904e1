import { existsSync, readdirSync } from 'node:fs';
import { workspaceKey } from '@dispatch/ipc-fs';
import { isValidTaskId, taskPaths, tasksDir } from '@dispatch/ipc-fs';

/** A task `run` registered with the daemon: which workspace it is in. */
export interface RegisteredTask {
  id: string;
  dispatchDir: string;
}

/** A workspace the inspector shows, and the tasks of it the browser may name. */
export interface Workspace {
  /** The registry's key of the workspace, the only way the browser names one (never a path). */
  ws: string;
  dispatchDir: string;
  current: boolean;
  /** Task ids dispatch created here (actions apply only to these). */
  registered: Set<string>;
  /** Every task id shown: the current workspace's folders, elsewhere the registered ones. */
  ids: string[];
}

/** Task folders (with a task.json) of a workspace, by id. */
function taskFolders(dispatchDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(tasksDir(dispatchDir));
  } catch {
    return [];
  }
  return names.filter((n) => isValidTaskId(n) && existsSync(taskPaths(dispatchDir, n).taskJson)).sort();
}

/**
 * Every workspace the daemon knows (from the registrations), the current one first: in it every
 * task folder is shown, elsewhere the registered tasks whose folders still exist.
 */
export function workspacesOf(current: string, registrations: readonly RegisteredTask[]): Workspace[] {
  const byDir = new Map<string, Set<string>>([[current, new Set()]]);
  for (const r of registrations) {
    if (!byDir.has(r.dispatchDir)) byDir.set(r.dispatchDir, new Set());
    byDir.get(r.dispatchDir)!.add(r.id);
  }
  return [...byDir].map(([dispatchDir, registered]) => {
    const onDisk = taskFolders(dispatchDir);
    const ids = dispatchDir === current ? onDisk : onDisk.filter((id) => registered.has(id));
    return { ws: workspaceKey(dispatchDir), dispatchDir, current: dispatchDir === current, registered, ids };
  });
}
