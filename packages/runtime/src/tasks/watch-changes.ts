import { watch, type FSWatcher } from 'node:fs';
import { createFactSource, DERIVED_CACHE_FILE, isTempName, taskPaths } from '@dispatch/ipc-fs';

/** Options of `watchChanges`. */
export interface WatchChangesOptions {
  /** Which file names directly in a task folder count as changes (default: all but worker.log; never the derivation cache). */
  include?: (name: string) => boolean;
  /** The safety re-check period, for what no file event reports (a deadline falling due); 0: none. */
  intervalMs?: number;
}

/** A running watch; `close` leaves no handle behind. */
export interface ChangeWatch {
  close(): Promise<void>;
}

const DEBOUNCE_MS = 25;

/**
 * Calls `onChange` (debounced) whenever something under the workspace's tasks may have changed,
 * with the ids of the tasks that did: the fact source's facts (plan, ipc/, exit records, requests,
 * new tasks), writes directly in a task folder (events.jsonl, output.md, which are no facts), and
 * a periodic safety re-check (no ids: look at everything). The CLI's `--watch`, `wait` and the
 * inspector's live page all follow a workspace through this one watcher.
 */
export async function watchChanges(
  dispatchDir: string,
  onChange: (ids: ReadonlySet<string>) => void,
  options: WatchChangesOptions = {},
): Promise<ChangeWatch> {
  // A reader's derivation cache is no change (and would make readers wake each other).
  const include = options.include ?? ((name: string) => name !== 'worker.log');
  const counts = (name: string) => name !== DERIVED_CACHE_FILE && include(name);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  const schedule = (id?: string) => {
    if (id !== undefined) changed.add(id);
    if (closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      const ids = changed;
      changed = new Set();
      if (!closed) onChange(ids);
    }, DEBOUNCE_MS);
  };
  const folders = new Map<string, FSWatcher>();
  const watchFolder = (id: string) => {
    const dir = taskPaths(dispatchDir, id).dir;
    if (closed || folders.has(dir)) return;
    try {
      const watcher = watch(dir, (_event, name) => {
        if (name === null || (!isTempName(name) && counts(name))) schedule(id);
      });
      watcher.on('error', () => {
        watcher.close();
        folders.delete(dir);
      });
      folders.set(dir, watcher);
    } catch {
      // gone already, or out of watches: the facts and the safety re-check still report it
    }
  };
  const source = await createFactSource({
    dispatchDir,
    onFact: (fact) => {
      if (fact.type === 'task') watchFolder(fact.taskId);
      schedule(fact.taskId);
    },
    onError: () => undefined,
  });
  const interval = options.intervalMs ?? 1000;
  const safety = interval > 0 ? setInterval(() => schedule(), interval) : undefined;
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(safety);
      for (const watcher of folders.values()) watcher.close();
      await source.close();
    },
  };
}
