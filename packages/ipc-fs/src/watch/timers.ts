/** One-shot timers that can all be cancelled at once, so `close()` leaves none behind. */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms` unless `clear()` comes first. */
  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Cancels every pending timer. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * A trailing debounce per key: a burst of calls runs `fn` once, `waitMs` after the last call,
 * but never later than `maxWaitMs` after the first, so a writer that never pauses is still seen.
 */
export class KeyedDebounce {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; first: number }>();

  constructor(
    private readonly waitMs: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Schedules (or pushes back) the call for `key`. */
  schedule(key: string, fn: () => void): void {
    const now = Date.now();
    const prior = this.pending.get(key);
    if (prior) clearTimeout(prior.timer);
    const first = prior?.first ?? now;
    const delay = Math.max(0, Math.min(this.waitMs, first + this.maxWaitMs - now));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      fn();
    }, delay);
    this.pending.set(key, { timer, first });
  }

  /** Cancels every pending call. */
  clear(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight (a scan of many tasks stays polite). */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
