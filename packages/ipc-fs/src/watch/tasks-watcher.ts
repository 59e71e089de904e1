import { lstatSync, readdirSync, watch } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
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

/** One folder's watch, as `fs.watch` returns it: failures come as 'error' events. */
export interface FolderWatch {
  close(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Watches one folder, calling `listener` with each event and the name it concerns (null: not said). */
export type WatchFolder = (dir: string, listener: (event: string, name: string | null) => void) => FolderWatch;

/** How a tasks watcher reports, plus a test hook. */
export interface TasksWatcherOptions {
  onHint(hint: WatchHint): void;
  onError(error: unknown): void;
  /** Called with each event's path; returning false drops the event (tests simulate inotify losses). */
  filter?: (path: string) => boolean;
  /** Told of every event in a task's folders, whatever file it names (worker.log, a temp file). */
  onTouched?(taskId: string): void;
  /** How one folder is watched (default `fs.watch`): tests make deaf or failing watches. */
  watchFolder?: WatchFolder;
}

/** A running tasks watcher. */
export interface TasksWatcher {
  /** How many folders it watches now. */
  readonly folders: number;
  close(): Promise<void>;
}

const AREA_DIRS: readonly Area[] = ['ipc', 'attempts', 'requests'];
const isAreaDir = (name: string): name is Exclude<Area, 'plan'> => (AREA_DIRS as readonly string[]).includes(name);

const nodeWatch: WatchFolder = (dir, listener) =>
  watch(dir, { persistent: true }, (event, name) => listener(event, name === null ? null : String(name)));

/**
 * The watches of `tasks/`, `tasks/<id>/` and `tasks/<id>/{ipc,attempts,requests}/`: folders
 * only, one `fs.watch` each (never files: a file watch dies at the first rename-save), made at
 * once when a folder appears — no crawl, no stat of any file. A folder is watched only while it
 * is a real folder, never through a symlink (a committed `tasks/x -> /elsewhere` is no task).
 */
class FolderWatches implements TasksWatcher {
  /** By path: the watch and the identity (inode) of the folder it follows. */
  private readonly watches = new Map<string, { watch: FolderWatch; ino: number }>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly options: TasksWatcherOptions,
  ) {}

  get folders(): number {
    return this.watches.size;
  }

  start(): void {
    this.follow(this.root, []);
    let names: string[] = [];
    try {
      names = readdirSync(this.root);
    } catch (err) {
      this.options.onError(err);
    }
    for (const name of names) if (isValidTaskId(name)) this.followTask(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { watch } of this.watches.values()) watch.close();
    this.watches.clear();
  }

  /** Watches task `id`'s folder and its areas while it is a real folder; stops when it is not. */
  private followTask(id: string): void {
    const dir = join(this.root, id);
    if (!this.follow(dir, [id])) return;
    for (const area of AREA_DIRS) this.follow(join(dir, area), [id, area]);
  }

  /**
   * Watches `dir` if it is a real folder (once per identity: a folder made anew under the same
   * name gets a new watch); forgets the watches at and below it otherwise. True while watched.
   */
  private follow(dir: string, parts: readonly string[]): boolean {
    if (this.closed) return false;
    let ino: number;
    try {
      const stats = lstatSync(dir);
      if (!stats.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      ino = stats.ino;
    } catch {
      this.unfollow(dir);
      return false;
    }
    const known = this.watches.get(dir);
    if (known?.ino === ino) return true;
    if (known) this.unfollow(dir);
    try {
      const folder = (this.options.watchFolder ?? nodeWatch)(dir, (_event, name) => this.onEvent(dir, parts, name));
      folder.on('error', (err) => this.options.onError(err));
      this.watches.set(dir, { watch: folder, ino });
      return true;
    } catch (err) {
      // ENOSPC (out of watches) and the like: the caller falls back on scanning.
      this.options.onError(err);
      return false;
    }
  }

  /** Whether the root folder is still the one watched. */
  private rootIsWatched(): boolean {
    try {
      return lstatSync(this.root).ino === this.watches.get(this.root)?.ino;
    } catch {
      return false;
    }
  }

  /** Closes the watches of `dir` and of every folder below it. */
  private unfollow(dir: string): void {
    for (const [path, { watch }] of this.watches) {
      if (path !== dir && !path.startsWith(dir + sep)) continue;
      watch.close();
      this.watches.delete(path);
    }
  }

  private onEvent(dir: string, parts: readonly string[], name: string | null): void {
    if (this.closed) return;
    if (this.options.filter && !this.options.filter(name === null ? dir : join(dir, name))) return;
    const touched = parts[0] ?? (name !== null && isValidTaskId(name) ? name : undefined);
    if (touched !== undefined) this.options.onTouched?.(touched);
    const hint = this.hintFor(parts, name);
    if (hint) this.options.onHint(hint);
  }

  /** Turns a change in the folder at `parts` (`name`, when the event says) into a hint, watching a new folder first. */
  private hintFor(parts: readonly string[], name: string | null): WatchHint | undefined {
    const [taskId, area] = parts;
    if (taskId === undefined) {
      // tasks/ itself gone or replaced: everything is to be looked at (the caller's scan then
      // finds the folder changed and watches anew).
      if (name === null || !this.rootIsWatched()) return { kind: 'all' };
      if (!isValidTaskId(name)) return undefined;
      this.followTask(name);
      return { kind: 'task', taskId: name, newDir: true };
    }
    if (area === undefined) {
      if (name === null) return { kind: 'task', taskId, newDir: false };
      if (name === 'plan.md') return { kind: 'area', taskId, area: 'plan', newDir: false };
      if (!isAreaDir(name)) return undefined;
      this.follow(join(this.root, taskId, name), [taskId, name]);
      return { kind: 'area', taskId, area: name, newDir: true };
    }
    if (name !== null && !isProtocolName(area as Exclude<Area, 'plan'>, name)) return undefined;
    return { kind: 'area', taskId, area: area as Area, newDir: false };
  }
}

/**
 * Watches the folders of `tasksDir` (see FolderWatches) and reports hints about what to
 * re-list. Resolves once every folder present is watched; a watch that cannot be made (ENOSPC)
 * is reported to `onError`, and the caller scans anyway.
 */
export async function watchTasksDir(tasksDir: string, options: TasksWatcherOptions): Promise<TasksWatcher> {
  // tasks/ itself may be a symlink (resolved here; nothing below it is followed through one).
  const root = await realpath(tasksDir).catch(() => resolve(tasksDir));
  const watches = new FolderWatches(root, options);
  watches.start();
  return watches;
}
