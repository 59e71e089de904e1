/**
 * Watcher events between two full scans that count as a burst. inotify drops events silently
 * only when its queue (fs.inotify.max_queued_events, 16,384 by default) overflows, and what
 * overflows is always preceded by the queue's worth of events that do arrive: far fewer than
 * that is never a loss, this many may have been one.
 */
export const EVENT_BURST = 1024;

/**
 * When the full safety-net scan of a watched workspace is due. The full scan only catches what
 * the watcher lost, so while nothing could have been lost it runs every `quietMs`; after a
 * burst of events (or anything else that may have lost some) it runs every `baseMs` until one
 * full scan has passed with nothing suspect. Without a working watcher every period is due.
 */
export class ScanCadence {
  private gapMs: number;
  private lastFullAt = Number.NEGATIVE_INFINITY;
  private events = 0;
  /** Nothing since the last full scan suggested a loss. */
  private quiet = true;

  constructor(
    private readonly baseMs: number,
    private readonly quietMs: number,
  ) {
    this.gapMs = baseMs;
  }

  /** Whether the full scan is due at `now`; `watching`: a watcher that has not failed follows the tasks. */
  fullDue(now: number, watching: boolean): boolean {
    return !watching || now - this.lastFullAt >= this.gapMs;
  }

  /** A watcher event arrived (any, whether it names a protocol file or not). */
  event(): void {
    if (++this.events >= EVENT_BURST) this.mayHaveLost();
  }

  /** Events may have been lost (a burst, a test's dropped event): the next full scans come every `baseMs`. */
  mayHaveLost(): void {
    this.gapMs = this.baseMs;
    this.quiet = false;
  }

  /** A full scan (of every task, after the watcher was checked) starts at `at`. */
  fullScanStarts(at: number): void {
    this.gapMs = this.quiet ? this.quietMs : this.baseMs;
    this.lastFullAt = at;
    this.events = 0;
    this.quiet = true;
  }
}
