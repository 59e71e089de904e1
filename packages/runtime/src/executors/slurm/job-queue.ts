import { type JobState, queryJobs } from './slurm-commands.js';

/**
 * Slurm's view of the jobs the daemon follows, shared by every attempt: one `squeue` answers all
 * the jobs asked about at the same moment, and a view younger than the asker's limit is reused —
 * so fifty Slurm tasks cost one squeue per scan interval, not fifty.
 */
export class JobQueue {
  private readonly views = new Map<string, { state: JobState | null; at: number }>();
  private readonly wanted = new Set<string>();
  private inFlight: Promise<void> | null = null;

  /** The job as Slurm shows it now (at most `maxAgeMs` old), or null when Slurm no longer knows it. */
  async view(job: string, maxAgeMs: number): Promise<JobState | null> {
    for (;;) {
      const seen = this.views.get(job);
      if (seen && Date.now() - seen.at <= maxAgeMs) return seen.state;
      this.wanted.add(job);
      await this.refresh();
    }
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      // Whoever asks within this turn of the event loop rides on the same squeue.
      await new Promise((resolve) => setImmediate(resolve));
      const jobs = [...this.wanted];
      this.wanted.clear();
      try {
        const found = await queryJobs(jobs);
        const at = Date.now();
        for (const [job, state] of found) this.views.set(job, { state, at });
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }
}

/** The daemon's one queue (tests may make their own). */
export const jobQueue = new JobQueue();
