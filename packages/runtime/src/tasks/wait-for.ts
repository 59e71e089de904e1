import type { ChangeWatch, WatchChangesOptions } from './watch-changes.js';

/** Options of `waitFor`. */
export interface WaitForOptions extends WatchChangesOptions {
  timeoutMs?: number;
  /** Stops the wait (Ctrl-C), which then resolves null. */
  signal?: AbortSignal;
}

/**
 * Runs `probe` now and after every change (never two at once) until it returns a value, which
 * resolves; null on timeout or abort. A probe that throws rejects. A value at once needs no
 * watcher (its start is most of a short `wait`); otherwise the watches start and the
 * probe runs again, so no change between the first probe and the watches is missed.
 */
export async function waitFor<T>(
  dispatchDir: string,
  probe: () => Promise<T | null>,
  options: WaitForOptions = {},
): Promise<T | null> {
  if (options.signal?.aborted) return null;
  const now = await probe();
  if (now !== null || options.timeoutMs === 0) return now;
  const { watchChanges } = await import('./watch-changes.js');
  return watchUntil(dispatchDir, probe, options, watchChanges);
}

function watchUntil<T>(
  dispatchDir: string,
  probe: () => Promise<T | null>,
  options: WaitForOptions,
  watchChanges: typeof import('./watch-changes.js').watchChanges,
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
