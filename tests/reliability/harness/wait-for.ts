/** How long to wait for a condition, how often to look, and what to say when it never holds. */
export interface WaitOptions {
  /** Give up after this long (default 60 s: the machine is small and shared, margins are wide). */
  timeoutMs?: number;
  /** Look this often (default 50 ms). */
  intervalMs?: number;
  /** Named in the error when the wait times out. */
  what?: string;
}

/**
 * Waits until `probe` returns something truthy and resolves with it; never a fixed sleep. A probe
 * that throws counts as "not yet" (files appear and vanish under a live daemon); the last error
 * is named if the wait times out.
 * @example const pid = await waitFor(() => ws.daemon()?.pid, { what: 'the daemon' })
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 60_000, intervalMs = 50, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** A pause between looks at a condition (only `waitFor` and pacing loops use it). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
