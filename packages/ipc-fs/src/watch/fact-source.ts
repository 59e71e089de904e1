import { tasksDir } from '../paths.js';
import { listTaskIds } from '../task-folder.js';
import type { FactSource, FactSourceOptions, FactSourceStats } from './fact-source-types.js';
import type { Fact } from './facts.js';
import { AREAS, dirIdentity } from './scan.js';
import { ScanCadence } from './scan-cadence.js';
import { ScanQueue } from './scan-queue.js';
import { type Scope, TaskTracker } from './task-tracker.js';
import { type TasksWatcher, type WatchHint, watchTasksDir } from './tasks-watcher.js';
import { forEachLimit, KeyedDebounce, TimerSet } from './timers.js';

const SCAN_SCOPES: readonly Scope[] = ['dir', ...AREAS];
const PERIODIC_SCAN_SCOPES: readonly Scope[] = [...SCAN_SCOPES, 'recent-plan'];
/**
 * How long, on top of one scan period (so at least one scan after the last write sees it), a
 * periodic scan reports a freshly written plan.md again: same-size saves in place within one
 * timestamp tick share a version, and only a re-read after the last one is sure to see it.
 */
const RECENT_PLAN_SLACK_MS = 2000;
/** Tasks listed at once by a scan. */
const SCAN_CONCURRENCY = 16;
/** The gap between two full scans while the watcher runs and nothing suggests a loss. */
const QUIET_SCAN_MS = 60_000;

class WatchingFactSource implements FactSource {
  private readonly tracker: TaskTracker;
  private readonly timers = new TimerSet();
  private readonly planDebounce: KeyedDebounce;
  private readonly counts = { scans: 0, watcherEvents: 0, watcherEventsDropped: 0, watcherErrors: 0, degraded: false };
  private watcher: TasksWatcher | undefined;
  /** Identity of the `tasks/` folder the watcher follows. */
  private watchedRoot: string | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private readonly scans = new ScanQueue((periodic) =>
    this.fullScan(periodic ? PERIODIC_SCAN_SCOPES : SCAN_SCOPES, periodic),
  );
  private periodicScans = 0;
  private readonly cadence: ScanCadence;
  /** Tasks the next period lists besides the remote ones: a plan just written, a folder just made. */
  private readonly recheck = new Map<string, Set<Scope>>();
  private readonly onError: (error: unknown, fact?: Fact) => void;

  constructor(private readonly options: FactSourceOptions) {
    this.onError = options.onError ?? ((err) => process.emitWarning(`dispatch fact source: ${String(err)}`));
    const debounceMs = options.debounceMs ?? 20;
    this.planDebounce = new KeyedDebounce(debounceMs, debounceMs * 10);
    const hooks = {
      deliver: (fact: Fact) => options.onFact(fact),
      onError: this.onError,
      // Retried by the next period, not only by the next full scan, which may be a minute away.
      failed: (taskId: string) => this.recheckNextPeriod(taskId, SCAN_SCOPES),
      isClosed: () => this.closed,
    };
    this.tracker = new TaskTracker(options.dispatchDir, hooks, Math.max(0, this.interval) + RECENT_PLAN_SLACK_MS);
    this.cadence = new ScanCadence(this.interval, Math.max(this.interval, options.quietScanMs ?? QUIET_SCAN_MS));
  }

  get stats(): FactSourceStats {
    const { watcher, scan } = this.tracker.delivered;
    return { factsFromWatcher: watcher, factsFromScan: scan, ...this.counts, watching: this.watcher !== undefined };
  }

  /** Watch first, then list: a file created in between is caught by one or the other. */
  async start(): Promise<void> {
    await this.scanNow();
    this.schedulePeriodicScan();
  }

  scanNow(): Promise<void> {
    return this.scans.request(false);
  }

  private get interval(): number {
    return this.options.scanIntervalMs ?? 2000;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.clear();
    this.planDebounce.clear();
    await this.starting?.catch(() => undefined);
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close();
  }

  private schedulePeriodicScan(): void {
    if (this.closed || this.interval <= 0) return;
    this.timers.after(this.interval, () => {
      this.periodicScan()
        .catch((err) => this.onError(err))
        .finally(() => this.schedulePeriodicScan());
    });
  }

  /** A watcher runs and has not failed: it reports this machine's writes as they happen. */
  private get watcherWorks(): boolean {
    return this.watcher !== undefined && !this.counts.degraded;
  }

  /**
   * One period: the full scan when it is due (always, without a working watcher); else only the
   * tasks the watcher cannot see (remote) and those it just reported a plan or a new folder of.
   */
  private async periodicScan(): Promise<void> {
    if (this.cadence.fullDue(Date.now(), this.watcherWorks)) return this.scans.request(true);
    const some = new Map(this.recheck);
    this.recheck.clear();
    const { isRemote } = this.options;
    if (isRemote)
      for (const id of this.tracker.knownIds()) if (isRemote(id)) some.set(id, new Set(PERIODIC_SCAN_SCOPES));
    await forEachLimit([...some], SCAN_CONCURRENCY, ([id, scopes]) => this.tracker.mark(id, scopes, 'scan'));
  }

  /** Lists `taskId` again at the next period (merging `scopes` with any already asked). */
  private recheckNextPeriod(taskId: string, scopes: readonly Scope[]): void {
    const known = this.recheck.get(taskId);
    if (known) for (const scope of scopes) known.add(scope);
    else this.recheck.set(taskId, new Set(scopes));
  }

  private async fullScan(scopes: readonly Scope[], periodic: boolean): Promise<void> {
    if (this.closed) return;
    // Every full scan checks the watcher (attaching it first if need be), then lists every task.
    this.cadence.fullScanStarts(Date.now());
    if (periodic) this.recheck.clear(); // this scan lists them all, recent plans included
    await this.ensureWatcher();
    // Known ids no longer listed are looked at too, so a deleted (or symlinked) task is forgotten.
    let ids = [...new Set([...(await listTaskIds(this.options.dispatchDir)), ...this.tracker.knownIds()])];
    const { isSettled, settledScanEvery = 12 } = this.options;
    // Listing every finished task every period is what kept an idle daemon busy.
    if (periodic && isSettled && ++this.periodicScans % Math.max(1, settledScanEvery) !== 0)
      ids = ids.filter((id) => !isSettled(id));
    await forEachLimit(ids, SCAN_CONCURRENCY, (id) => this.tracker.mark(id, scopes, 'scan'));
    this.counts.scans++;
  }

  /** Starts the watcher once `tasks/` exists (each scan retries), and again if it is replaced. */
  private async ensureWatcher(): Promise<void> {
    if (this.options.useWatcher === false || this.counts.degraded || this.closed) return;
    const root = tasksDir(this.options.dispatchDir);
    // tasks/ itself may be a symlink, as listTaskIds allows; the task folders below may not.
    const identity = await dirIdentity(root, true);
    if (this.watcher && identity !== this.watchedRoot) {
      // tasks/ was removed or replaced: the old watch follows a folder that is gone.
      const stale = this.watcher;
      this.watcher = undefined;
      await stale.close();
    }
    if (this.watcher || identity === undefined) return;
    this.starting ??= watchTasksDir(root, {
      onHint: (hint) => this.onHint(hint),
      onError: (err) => this.onWatcherError(err),
      filter: (path) => this.countEvent(path),
      ...(this.options.watchFolder ? { watchFolder: this.options.watchFolder } : {}),
      ...(this.options.onTouched ? { onTouched: this.options.onTouched } : {}),
    }).then(
      async (watcher) => {
        if (this.closed) return watcher.close();
        this.watcher = watcher;
        this.watchedRoot = identity;
      },
      (err: unknown) => this.onWatcherError(err),
    );
    await this.starting;
    this.starting = undefined;
  }

  private countEvent(path: string): boolean {
    this.counts.watcherEvents++;
    this.cadence.event();
    if (this.options.watcherEventFilter?.(path) === false) {
      // A test's stand-in for inotify's overflow, which a burst of events always comes with.
      this.counts.watcherEventsDropped++;
      this.cadence.mayHaveLost();
      return false;
    }
    return true;
  }

  private onWatcherError(err: unknown): void {
    if (this.closed) return;
    this.counts.watcherErrors++;
    this.counts.degraded = true;
    this.onError(err);
    // Whatever the failed watch would have reported is only found by listing.
    this.scanNow().catch((e) => this.onError(e));
  }

  private onHint(hint: WatchHint): void {
    if (this.closed) return;
    if (hint.kind === 'all') {
      this.scanNow().catch((err) => this.onError(err));
      return;
    }
    const { taskId } = hint;
    if (hint.kind === 'area' && hint.area === 'plan') {
      // A burst of saves gives one fact. Writers rename, so the consumer's read is never torn;
      // a writer saving in place could be read half-written, but its last write raises one more
      // event, and the periodic scan reports a recent plan again even at an unchanged version.
      this.planDebounce.schedule(taskId, () => void this.tracker.mark(taskId, ['plan'], 'watcher'));
      // A save in place may look unchanged (see RECENT_PLAN_SLACK_MS): the next period reads it again.
      this.recheckNextPeriod(taskId, ['plan', 'recent-plan']);
      return;
    }
    const scopes: readonly Scope[] = hint.kind === 'task' ? SCAN_SCOPES : [hint.area];
    void this.tracker.mark(taskId, scopes, 'watcher');
    // A new folder is watched before its hint comes, so the listing above sees what was written
    // before the watch; the next period lists it once more all the same (it costs one listing).
    if (hint.newDir) this.recheckNextPeriod(taskId, scopes);
  }
}

/**
 * Follows `<dispatchDir>/tasks/` and reports each fact (question, answer, ack, worker-done,
 * exit, request, new task) to `onFact` until a call for it succeeds, then never again. A call
 * that throws or rejects goes to `onError`; that fact and the later ones of the same listing
 * are delivered again by the task's next listing (a watcher event or the periodic scan).
 * plan.md is reported once per version (inode, mtime, ctime, size), and also by the next periodic
 * listing of its task while its mtime is younger than one scan period plus 2 s: a same-size save
 * in place within one timestamp tick looks unchanged, so consumers re-read and dedupe by content.
 * The watcher only makes detection fast; full scans at start, on watcher errors and periodically
 * are the source of truth — every `scanIntervalMs` without a working watcher or after a burst of
 * events that may have lost some, else every `quietScanMs` — while the tasks `isRemote` names
 * are listed every period. Symlinked task folders are ignored. Facts of one
 * task are delivered one at a time in a stable order; different tasks may be delivered
 * concurrently. Resolves once the initial scan's facts were delivered.
 * @example
 * const source = await createFactSource({
 *   dispatchDir: '/repo/.dispatch',
 *   onFact: async (fact) => { if (fact.type === 'question') await relay(fact.taskId, fact.seq); },
 * });
 * // ...
 * await source.close();
 */
export async function createFactSource(options: FactSourceOptions): Promise<FactSource> {
  const source = new WatchingFactSource(options);
  try {
    await source.start();
  } catch (err) {
    await source.close();
    throw err;
  }
  return source;
}
