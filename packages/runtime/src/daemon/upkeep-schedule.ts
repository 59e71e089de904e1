/** One periodic job of the daemon: run every `everyMs` while `wanted()` (default: always). */
export interface UpkeepJob {
  readonly name: string;
  readonly everyMs: number;
  /** When it first runs after `start` (default: one period). */
  readonly firstInMs?: number;
  /** Cheap (it is asked at every `poke`): whether the job has anything to do now. */
  readonly wanted?: () => boolean;
  run(): Promise<unknown>;
}

/**
 * Runs the daemon's periodic jobs on one timer, armed for the earliest job that is due and
 * wanted: an idle daemon wakes only for what has something to do, never on a fixed tick. A job
 * not wanted now is not due; `poke()` after a change that may make one wanted (a task queued, a
 * worker on a cluster) re-arms the timer. Jobs run one at a time, in the order given.
 */
export class UpkeepSchedule {
  private readonly dueAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private running = false;
  private stopped = false;

  constructor(
    private readonly jobs: readonly UpkeepJob[],
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts: every job first runs one period from now, or when its `firstInMs` says. */
  start(now = Date.now()): void {
    for (const job of this.jobs) this.dueAt.set(job.name, now + (job.firstInMs ?? job.everyMs));
    this.arm();
  }

  /** Something changed that may make a job wanted (or no longer): arm the timer anew. */
  poke(): void {
    if (!this.running) this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.jobs) if (job.wanted?.() !== false) next = Math.min(next, this.dueAt.get(job.name) ?? 0);
    if (next === this.armedFor && this.timer !== undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => void this.runDue(), Math.max(0, next - Date.now()));
  }

  private async runDue(): Promise<void> {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.running = true;
    try {
      for (const job of this.jobs) {
        if (this.stopped) return;
        const now = Date.now();
        if ((this.dueAt.get(job.name) ?? 0) > now || job.wanted?.() === false) continue;
        // The next period counts from this run: a late run does not bring a burst of catch-ups.
        this.dueAt.set(job.name, now + job.everyMs);
        await job.run().catch(this.onError);
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }
}
