/**
 * Runs full scans one at a time. A caller asking while a scan waits to start shares that scan:
 * it has listed nothing yet, so it will see everything the caller wants seen.
 */
export class ScanQueue {
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private queuedPeriodic = false;

  /** `run(periodic)` does one scan; periodic when any caller it serves asked as the period. */
  constructor(private readonly run: (periodic: boolean) => Promise<void>) {}

  /** Queues a scan, or joins the one queued; resolves (or rejects) with it. */
  request(periodic: boolean): Promise<void> {
    this.queuedPeriodic ||= periodic;
    if (this.queued) return this.queued;
    const scan = this.chain.then(() => {
      this.queued = undefined;
      const asPeriodic = this.queuedPeriodic;
      this.queuedPeriodic = false;
      return this.run(asPeriodic);
    });
    this.queued = scan;
    this.chain = scan.catch(() => undefined);
    return scan;
  }
}
