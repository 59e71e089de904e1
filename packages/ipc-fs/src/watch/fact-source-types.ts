import type { Fact } from './facts.js';
import type { WatchFolder } from './tasks-watcher.js';

/** Options of `createFactSource`. */
export interface FactSourceOptions {
  /** The workspace's `.dispatch` directory; `tasks/` below it is followed (it may not exist yet). */
  dispatchDir: string;
  /**
   * Receives each fact until a call for it succeeds, then never again (plan: see
   * `createFactSource`). May be async: facts of one task wait for the previous one. A throw or
   * rejection goes to `onError`, and the fact is delivered again by its task's next listing.
   */
  onFact: (fact: Fact) => unknown;
  /** Watcher, listing and onFact failures (default: a process warning). Never stops the source. */
  onError?: (error: unknown, fact?: Fact) => void;
  /**
   * The scan period, the safety net for lost events and failed deliveries, which also re-reports
   * recently written plans (default 2000; 0 disables it). Every period lists the tasks
   * `isRemote` names and those the watcher just reported a plan or a new folder of. The full
   * scan of every task runs every period while no watcher works (not started, or failed), and
   * after a burst of events that may have overflowed inotify's queue (which drops events
   * silently); otherwise every `quietScanMs`.
   */
  scanIntervalMs?: number;
  /** The gap between full scans while the watcher works and nothing suggests a loss (default 60000). */
  quietScanMs?: number;
  /**
   * Tasks whose files may change where the watcher cannot see it (a worker on another node of
   * a shared filesystem: inotify sees only this machine's writes): every period lists them.
   */
  isRemote?: (taskId: string) => boolean;
  /**
   * Tasks nothing more is expected of (a daemon's finished tasks). Periodic scans list them only
   * once every `settledScanEvery` full scans, so an idle daemon with many finished tasks stays
   * cheap; the watcher and `scanNow()` still cover them as any other.
   */
  isSettled?: (taskId: string) => boolean;
  /** How many periodic full scans pass between two listings of a settled task (default 12). */
  settledScanEvery?: number;
  /**
   * Told of every change the watcher sees in a task's folders, whether it names a protocol file
   * or not (worker.log growing, a temp file): for upkeep that should follow what changes. Writes
   * the watcher cannot see (another node's, lost events) are not told.
   */
  onTouched?: (taskId: string) => void;
  /** Quiet time that coalesces a burst of plan.md writes into one fact (default 20). */
  debounceMs?: number;
  /** Watch the folders for fast detection (default true); false leaves only the scans. */
  useWatcher?: boolean;
  /** Test hook: return false to drop a watcher event, as inotify does on queue overflow. */
  watcherEventFilter?: (path: string) => boolean;
  /** How one folder is watched (default `fs.watch`): tests inject deaf or failing watches. */
  watchFolder?: WatchFolder;
}

/** Counters of a fact source, for logs and the inspector. */
export interface FactSourceStats {
  factsFromWatcher: number;
  /** Facts found first by a scan; more than a few while `watching` means the watcher loses events. */
  factsFromScan: number;
  /** Full scans done (scanNow's and the periodic ones). */
  scans: number;
  watcherEvents: number;
  watcherEventsDropped: number;
  watcherErrors: number;
  /** A watcher is running. */
  watching: boolean;
  /** The watcher failed or reported an error (e.g. ENOSPC): detection now rests on the scans. */
  degraded: boolean;
}

/** A running fact source. */
export interface FactSource {
  /**
   * Lists every task now; resolves once the facts it found were delivered (or failed). Do not
   * await it inside `onFact`: it would wait for that very delivery.
   */
  scanNow(): Promise<void>;
  /** A snapshot of the counters. */
  readonly stats: FactSourceStats;
  /** Stops watching and scanning; no fact is delivered once called. Leaves no timer or handle. */
  close(): Promise<void>;
}
