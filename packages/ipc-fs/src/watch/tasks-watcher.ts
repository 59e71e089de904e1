import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { type ChokidarOptions, type FSWatcher, watch } from 'chokidar';
import { isValidTaskId } from '../task-id.js';
import { isProtocolName } from './facts.js';
import type { Area } from './scan.js';

/** What a watcher event says should be looked at again. */
export type WatchHint =
  /** Something changed in `tasks/` that the event did not name: look at everything. */
  | { kind: 'all' }
  /** A task folder appeared, vanished or changed in a way the event did not name. */
  | { kind: 'task'; taskId: string; newDir: boolean }
  /** One area of a task; `newDir` when the area's folder itself was created or removed. */
  | { kind: 'area'; taskId: string; area: Area; newDir: boolean };

/** How a tasks watcher reports, plus test and deployment hooks. */
export interface TasksWatcherOptions {
  onHint(hint: WatchHint): void;
  onError(error: unknown): void;
  /** Called with each event's path; returning false drops the event (tests simulate inotify losses). */
  filter?: (path: string) => boolean;
  /** Makes the chokidar watcher (tests inject failures; a network share may want `usePolling`). */
  createWatcher?: (root: string, options: ChokidarOptions) => FSWatcher;
}

const AREA_DIRS = new Set<string>(['ipc', 'attempts', 'requests']);

/** Path parts below the tasks folder, or undefined for a path outside it. */
function partsOf(root: string, path: string): string[] | undefined {
  const rel = relative(root, path);
  if (rel === '') return [];
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep);
}

/** Only `tasks/`, `tasks/<id>/` and `tasks/<id>/{ipc,attempts,requests}/` are watched: folders only. */
function isIgnored(root: string, path: string, isDir: boolean | undefined): boolean {
  const parts = partsOf(root, path);
  if (parts === undefined) return true;
  const [id, area] = parts;
  if (id === undefined) return false;
  if (isDir === false || !isValidTaskId(id) || parts.length > 2) return true;
  return area !== undefined && !AREA_DIRS.has(area);
}

/** Turns a change in folder `parts` (file `name`, when the event names one) into a hint. */
function hintFor(parts: string[], name: string | undefined): WatchHint | undefined {
  const [taskId, area] = parts;
  if (taskId === undefined) {
    if (name === undefined) return { kind: 'all' };
    return isValidTaskId(name) ? { kind: 'task', taskId: name, newDir: true } : undefined;
  }
  if (area === undefined) {
    if (name === undefined) return { kind: 'task', taskId, newDir: false };
    if (name === 'plan.md') return { kind: 'area', taskId, area: 'plan', newDir: false };
    return AREA_DIRS.has(name) ? { kind: 'area', taskId, area: name as Area, newDir: true } : undefined;
  }
  if (name !== undefined && !isProtocolName(area as Exclude<Area, 'plan'>, name)) return undefined;
  return { kind: 'area', taskId, area: area as Area, newDir: false };
}

/**
 * Watches the folders of `tasksDir` (never files: a file watch dies at the first rename-save)
 * and reports hints about what to re-list. Resolves once chokidar is ready, which does not
 * prove every folder is watched (ENOSPC/EMFILE come later as errors): the caller scans anyway.
 */
export async function watchTasksDir(tasksDir: string, options: TasksWatcherOptions): Promise<FSWatcher> {
  // tasks/ itself may be a symlink (resolved here, as chokidar will not follow it below).
  const root = await realpath(tasksDir).catch(() => resolve(tasksDir));
  const chokidarOptions: ChokidarOptions = {
    ignoreInitial: true,
    depth: 2,
    // A symlinked task folder is no task (dirIdentity refuses it); never watch where it points.
    followSymlinks: false,
    ignored: (path, stats) => isIgnored(root, path, stats?.isDirectory()),
  };
  const watcher = (options.createWatcher ?? watch)(root, chokidarOptions);
  const report = (dir: string, name: string | undefined): void => {
    const full = name === undefined ? dir : resolve(dir, name);
    if (options.filter && !options.filter(full)) return;
    const parts = partsOf(root, dir);
    const hint = parts && hintFor(parts, name);
    if (hint) options.onHint(hint);
  };
  // File changes are read from the folders' raw events: chokidar emits `add` only for files it
  // watches one by one, which is what this avoids. With fs.watch, `details.watchedPath` is the
  // folder and `path` the file name; with polling, `path` is the folder itself.
  watcher.on('raw', (_event, path, details) => {
    const watched = (details as { watchedPath?: unknown } | null)?.watchedPath;
    if (typeof watched === 'string') report(watched, path || undefined);
    else if (typeof path === 'string') report(path, undefined);
  });
  // chokidar reports a new folder before it attaches its watch; the caller lists it then and again.
  const reportDir = (path: string): void => {
    const parts = partsOf(root, path);
    if (!parts || parts.length === 0) {
      report(root, undefined);
      return;
    }
    report(resolve(path, '..'), parts[parts.length - 1]);
  };
  watcher.on('addDir', reportDir);
  watcher.on('unlinkDir', reportDir);
  watcher.on('error', (err) => options.onError(err));
  await new Promise<void>((resolveReady) => watcher.once('ready', resolveReady));
  return watcher;
}
