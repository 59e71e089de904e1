import { type TaskPaths, taskPaths } from '../paths.js';
import { type Fact, factKey } from './facts.js';
import { AREAS, type Area, dirIdentity, type ListingMemo, listingFacts, listTask, type PlanVersion } from './scan.js';

/**
 * What to re-list of a task: areas, and/or `dir` (check the folder still is the same one), and/or
 * `recent-plan` (report plan.md again, even at an unchanged version, while it was written lately).
 */
export type Scope = Area | 'dir' | 'recent-plan';

/** Which detector asked for the listing that found a fact. */
export type FactOrigin = 'watcher' | 'scan';

interface TaskState {
  readonly id: string;
  /** Built once: a scan of many tasks should spend its time in fs calls, not in path.join. */
  readonly paths: TaskPaths;
  /** Identity of the folder the keys below belong to; undefined until the folder is seen. */
  identity: string | undefined;
  /** Keys (`factKey`) of the facts delivered; `task` once the task fact was. */
  keys: Set<string>;
  /** Version of the last plan.md delivered. */
  plan: string | undefined;
  dirty: Set<Scope>;
  /** Its folders as last listed (reset with the folder's identity). */
  memo: ListingMemo;
  origin: FactOrigin;
  waiters: Array<() => void>;
  running: boolean;
}

/** A fact found by a listing, and how to record it as reported once it was delivered. */
interface Found {
  fact: Fact;
  commit(): void;
}

/** Callbacks of a tracker: where facts go and where failures are reported. */
export interface TrackerHooks {
  deliver(fact: Fact): unknown;
  onError(error: unknown, fact?: Fact): void;
  /** A listing or a delivery of task `taskId` failed: it must be listed again (its facts are not reported yet). */
  failed?(taskId: string): void;
  isClosed(): boolean;
}

const planKey = (v: PlanVersion): string => `${v.ino}:${v.mtimeMs}:${v.ctimeMs}:${v.size}`;

/**
 * Remembers what was delivered per task and turns "look at this part of task X" requests into
 * new facts. Listing and delivery of one task run in one loop, so a task is never listed twice
 * at once (a stale listing cannot undo a fresher one) and its facts are delivered one at a time,
 * in order; different tasks run concurrently. A fact counts as reported only once `deliver`
 * resolved, so each fact is delivered at least once, and never again after a success.
 */
export class TaskTracker {
  private readonly tasks = new Map<string, TaskState>();
  /** Facts delivered, by the detector whose request found them. */
  readonly delivered: Record<FactOrigin, number> = { watcher: 0, scan: 0 };

  /** `recentPlanMs`: how young plan.md's mtime must be for `recent-plan` to report it again. */
  constructor(
    private readonly dispatchDir: string,
    private readonly hooks: TrackerHooks,
    private readonly recentPlanMs: number,
  ) {}

  /** Ids of tasks currently tracked (seen, or being looked at). */
  knownIds(): string[] {
    return [...this.tasks.keys()];
  }

  /**
   * Asks for `scopes` of task `taskId` to be listed; resolves once a listing that started after
   * this call is done and its new facts were delivered. Never rejects (errors go to onError).
   */
  mark(taskId: string, scopes: Iterable<Scope>, origin: FactOrigin): Promise<void> {
    let state = this.tasks.get(taskId);
    if (!state) {
      const paths = taskPaths(this.dispatchDir, taskId);
      state = {
        id: taskId,
        paths,
        identity: undefined,
        keys: new Set(),
        plan: undefined,
        dirty: new Set(),
        memo: new Map(),
        origin,
        waiters: [],
        running: false,
      };
      this.tasks.set(taskId, state);
    }
    for (const scope of scopes) state.dirty.add(scope);
    // A listing asked for by both detectors is credited to the watcher: it noticed first.
    if (origin === 'watcher') state.origin = 'watcher';
    const done = new Promise<void>((resolve) => state.waiters.push(resolve));
    if (!state.running) void this.run(state);
    return done;
  }

  private async run(state: TaskState): Promise<void> {
    state.running = true;
    try {
      while (state.dirty.size > 0 && !this.hooks.isClosed()) {
        const scopes = state.dirty;
        const origin = state.origin;
        const waiters = state.waiters;
        state.dirty = new Set();
        state.origin = 'scan';
        state.waiters = [];
        try {
          await this.deliverAll(await this.refresh(state, scopes), origin);
        } catch (err) {
          this.hooks.onError(err);
          this.hooks.failed?.(state.id);
        } finally {
          for (const resolve of waiters) resolve();
        }
      }
    } finally {
      state.running = false;
      for (const resolve of state.waiters.splice(0)) resolve();
      if (state.identity === undefined && state.dirty.size === 0) this.tasks.delete(state.id);
    }
  }

  /**
   * Delivers in order, recording each fact only after `deliver` resolved. On a failure the
   * rest stays unreported too, so the next listing delivers them again in the same order (a
   * question is never seen after its answer, nor any fact before its task's).
   */
  private async deliverAll(found: Found[], origin: FactOrigin): Promise<void> {
    for (const { fact, commit } of found) {
      if (this.hooks.isClosed()) return;
      try {
        await this.hooks.deliver(fact);
      } catch (err) {
        this.hooks.onError(err, fact);
        this.hooks.failed?.(fact.taskId);
        return;
      }
      commit();
      this.delivered[origin]++;
    }
  }

  /** Lists what `scopes` ask for and returns the facts not reported yet, in delivery order. */
  private async refresh(state: TaskState, scopes: Set<Scope>): Promise<Found[]> {
    // Until its task fact is delivered, a task is looked at whole, as on first sight.
    const whole = !state.keys.has('task');
    // An exit is listed with ipc/ (listed first): answers and acks whose events were lost must
    // not be overtaken by it, or the consumer ends the task with an answer never recorded.
    const areas = whole ? AREAS : AREAS.filter((a) => scopes.has(a) || (a === 'ipc' && scopes.has('attempts')));
    // The folder check runs beside the listing, so it adds no latency to an idle scan.
    let [identity, listing] = await Promise.all([
      scopes.has('dir') || whole ? dirIdentity(state.paths.dir) : state.identity,
      listTask(state.paths, areas, state.memo),
    ]);
    if (identity !== state.identity) {
      // Gone, or deleted and re-created under the same id: forget it, so a new folder is a new task.
      state.identity = identity;
      state.keys = new Set();
      state.plan = undefined;
      state.memo = new Map();
      if (identity !== undefined && areas.length < AREAS.length)
        listing = await listTask(state.paths, AREAS, state.memo);
    }
    // No folder, or a symlink (dirIdentity does not follow it), whose listing must not count.
    if (identity === undefined) return [];
    const found: Found[] = [];
    const once = (fact: Exclude<Fact, { type: 'plan' }>): void => {
      const key = factKey(fact);
      if (!state.keys.has(key)) found.push({ fact, commit: () => void state.keys.add(key) });
    };
    once({ type: 'task', taskId: state.id });
    for (const fact of listingFacts(state.id, listing)) {
      if (fact.type !== 'plan') {
        once(fact);
        continue;
      }
      const version = planKey(listing.plan as PlanVersion);
      const recent = scopes.has('recent-plan') && Date.now() - fact.mtimeMs < this.recentPlanMs;
      if (version !== state.plan || recent) found.push({ fact, commit: () => void (state.plan = version) });
    }
    if (listing.requests) this.forgetRemovedRequests(state, new Set(listing.requests));
    return found;
  }

  /**
   * A request the daemon applied is removed; forgetting its name lets a later file of the same
   * name be reported again. Safe because listings of one task never overlap.
   */
  private forgetRemovedRequests(state: TaskState, present: Set<string>): void {
    for (const key of state.keys) {
      if (key.startsWith('request:') && !present.has(key.slice('request:'.length))) state.keys.delete(key);
    }
  }
}
