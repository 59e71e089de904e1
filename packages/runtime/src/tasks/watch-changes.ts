import { watch, type FSWatcher } from 'node:fs';
import { createFactSource, isTempName, taskPaths } from '@dispatch/ipc-fs';

/** Options of `watchChanges`. */
export interface WatchChangesOptions {
  /** Which file names directly in a task folder count as changes (default: all but worker.log). */
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
  const include = options.include ?? ((name: string) => name !== 'worker.log');
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
        if (name === null || (!isTempName(name) && include(name))) schedule(id);
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

/** Options of `waitFor`. */
export interface WaitForOptions extends WatchChangesOptions {
  timeoutMs?: number;
  /** Stops the wait (Ctrl-C), which then resolves null. */
  signal?: AbortSignal;
}

/**
 * Runs `probe` now and after every change (never two at once) until it returns a value, which
 * resolves; null on timeout or abort. A probe that throws rejects. Watches start before the first
 * probe, so no change between them is missed.
 */
export function waitFor<T>(
  dispatchDir: string,
  probe: () => Promise<T | null>,
  options: WaitForOptions = {},
): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    let changes: ChangeWatch | undefined;
    let deadline: NodeJS.Timeout | undefined;
    // A probe under way when time is up still gets to report (`--timeout 0` checks once).
    let expired = false;
    const finish = (value: T | null, error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      void Promise.resolve(changes?.close()).then(() => (error === undefined ? resolve(value) : reject(error)));
    };
    const onAbort = () => finish(null);
    const check = async () => {
      if (running) return void (again = true);
      running = true;
      try {
        do {
          again = false;
          const value = done ? null : await probe();
          if (value !== null) return finish(value);
        } while (again && !done);
        if (expired) finish(null);
      } catch (err) {
        finish(null, err);
      } finally {
        running = false;
      }
    };
    if (options.signal?.aborted) return finish(null);
    options.signal?.addEventListener('abort', onAbort);
    watchChanges(dispatchDir, () => void check(), options).then(
      (watch) => {
        changes = watch;
        if (done) return void watch.close();
        void check();
        if (options.timeoutMs === undefined) return;
        deadline = setTimeout(() => {
          expired = true;
          if (!running) finish(null);
        }, options.timeoutMs);
      },
      (err: unknown) => finish(null, err),
    );
  });
}

/** An AbortSignal that fires on Ctrl-C (SIGINT) while `use` runs; the handler is removed after. */
export async function untilInterrupted<T>(use: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInt = () => controller.abort();
  process.once('SIGINT', onInt);
  try {
    return await use(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
  }
}
