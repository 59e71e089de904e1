import { accepts, hasWorker, needsUser, type TaskSnapshot, type TaskState } from '@dispatch/core';
import {
  createFactSource,
  type Fact,
  isRequestName,
  type FactSource,
  readAttemptClaimSync,
  readRegistration,
  readRequests,
  readTaskFile,
  type TaskFile,
  taskPaths,
  type Registration,
  type WatchHealth,
} from '@dispatch/ipc-fs';
import type { DispatchConfig } from '@dispatch/config';
import { readdir } from 'node:fs/promises';
import { loadUserConfig } from '../config/user-config.js';
import { TaskHost } from '../host/task-host.js';
import { createModelChooser } from '../recovery/choose-model.js';
import { fallBack, restartCold, retryEngineLoss } from '../recovery/recover.js';
import { resolveWorker } from '../worker/resolve-worker.js';
import { applyRequests } from './apply-requests.js';
import { mayNotify, Notifier } from './notifier.js';
import type { Decision, ScheduledTask } from './scheduler.js';
import { capWorkerLogs, StallWatch, TempSweeper } from './upkeep.js';

/** The tasks of one workspace that the daemon hosts, fed by one fact source. */
export class WorkspaceHost {
  private readonly hosts = new Map<string, Promise<TaskHost>>();
  /** Each task's registration as last read: `retry` and `continue` replace its environment. */
  private readonly registrations = new Map<string, Registration>();
  /** The hosts that have started, for questions that cannot wait (is a task finished?). */
  private readonly started = new Map<string, TaskHost>();
  /** The backend each task's current attempt claimed (see `claimedBackend`). */
  private readonly claims = new Map<string, { attempt: number; backend: string; executor: string }>();
  private readonly temps = new TempSweeper();
  /** Tasks whose folders the watcher saw change since the last upkeep, and those where young temps remain. */
  private readonly touched = new Set<string>();
  private tempsLeft: string[] = [];
  private lastFullUpkeepAt = 0;
  private readonly stalls = new StallWatch();
  private readonly notifier: Notifier;
  private source: Promise<FactSource> | undefined;
  private sourceNow: FactSource | undefined;
  /**
   * Started tasks by what the daemon's upkeep asks of them, kept as they change state so that
   * asking costs nothing: live (the daemon stays), queued (the scheduler has work), and with a
   * worker on a cluster engine (followed through the engine; its files change on other nodes).
   */
  private readonly live = new Set<string>();
  private readonly queued = new Set<string>();
  private readonly remote = new Set<string>();

  constructor(
    private readonly home: string,
    readonly dispatchDir: string,
    private readonly bin: string,
    private readonly onError: (err: unknown) => void,
    /** Told when a task changed state: a slot may have freed, a dependency completed. */
    private readonly onChange: () => void = () => undefined,
    /** Told when the fact source delivered a fact or failed: what `health()` says may have changed. */
    private readonly onActivity: () => void = () => undefined,
  ) {
    this.notifier = new Notifier(dispatchDir, onError);
  }

  /** Files the task under live, queued and remote as its snapshot says (see `live`). */
  private classify(id: string, snapshot: TaskSnapshot): void {
    const state = snapshot.value as TaskState;
    const file = (set: Set<string>, member: boolean) => (member ? set.add(id) : set.delete(id));
    file(this.live, snapshot.hasTag('live'));
    file(this.queued, state === 'queued');
    const claim = hasWorker(state) ? this.claimOf(id, snapshot.context.attempt) : null;
    file(this.remote, claim !== null && claim.executor !== 'local');
  }

  /** Hosts a registered task (once), rebuilding it from its files. */
  add(registered: Registration): Promise<TaskHost> {
    let host = this.hosts.get(registered.id);
    if (!host) {
      // One copy whose environment a request may replace (see applyRequestsOf): every use reads it anew.
      const registration = { ...registered };
      this.registrations.set(registration.id, registration);
      host = TaskHost.start({
        id: registration.id,
        dispatchDir: this.dispatchDir,
        cwd: registration.cwd,
        env: () => registration.env,
        bin: this.bin,
        // The task's own `--executor` (task.json, written once by run) wins over its backend's.
        resolveWorker: async (model) =>
          resolveWorker(model, registration.env, (await this.taskFileOf(registration.id))?.options.executor),
        chooseModel: (input) => createModelChooser(this.home, registration.env)(input),
        onError: this.onError,
        // Queued tasks start when the daemon's scheduler says (limits, dependencies).
        autoStart: false,
        // The daemon's sweep removes them (see maintain): hosting a thousand tasks must not list every folder twice.
        cleanTemps: false,
        onState: (state, _from, snapshot) => {
          this.classify(registration.id, snapshot);
          this.stalls.forget(registration.id);
          this.onChange();
          // A failure the daemon takes care of (a gone session, the fallback) is no news for the user.
          if (atRestForUser(state))
            void host
              ?.then(async (h) => (await this.recover(h, registration)) || (await this.notifier.notify(registration)))
              .catch(this.onError);
          else if (state === 'queued' && snapshot.context.waiting !== null)
            void host?.then((h) => this.onWaiting(h, registration)).catch(this.onError);
          else if (mayNotify(state)) void this.notifier.notify(registration).catch(this.onError);
        },
        // A test knob: how long a claimed attempt may take to show its pid (default 10 s).
        ...(process.env.DISPATCH_PID_WAIT_MS && { pidWaitMs: Number(process.env.DISPATCH_PID_WAIT_MS) }),
      }).then(async (h) => {
        this.started.set(registration.id, h);
        this.classify(registration.id, h.snapshot);
        await this.applyRequestsOf(h).catch(this.onError);
        // A task that failed while no daemon ran (or just before one died) falls back now.
        const handled = await this.recover(h, registration).catch((err: unknown) => (this.onError(err), false));
        // What needs the user and happened while no daemon ran (a question, an exit) is news too,
        // and so is a wait for a quota that began then.
        const { waiting } = h.snapshot.context;
        if (!handled && h.enteredWhileAway !== null && h.snapshot.value === 'queued' && waiting !== null)
          await this.notifier.notifyWaiting(registration, waiting).catch(this.onError);
        else if (!handled && h.enteredWhileAway !== null && mayNotify(h.snapshot.value as TaskState))
          await this.notifier.notify(registration).catch(this.onError);
        return h;
      });
      host.catch(this.onError);
      this.hosts.set(registration.id, host);
    }
    return host;
  }

  /**
   * A task began waiting for its quota to reset: the model rests, so other tasks on it wait too;
   * a usable fallback takes over at once (the daemon retries), else the user's hook hears of the wait.
   */
  private async onWaiting(host: TaskHost, registration: Registration, rest = true): Promise<void> {
    const waiting = host.snapshot.context.waiting;
    if (waiting === null || (await fallBack(this.home, host, registration.env, rest))) return;
    await this.notifier.notifyWaiting(registration, waiting);
  }

  /** What the daemon does on its own about a task that stopped (see recovery/recover.ts); true when it acted. */
  private async recover(host: TaskHost, registration: Registration): Promise<boolean> {
    return (
      (await restartCold(host).catch(() => false)) ||
      (await retryEngineLoss(host).catch(() => false)) ||
      (await fallBack(this.home, host, registration.env))
    );
  }

  private async taskFileOf(id: string): Promise<TaskFile | null> {
    return readTaskFile(taskPaths(this.dispatchDir, id)).catch(() => null);
  }

  /** Drops a task whose hosting failed, so that a later pass tries it again. */
  forget(id: string): void {
    this.hosts.delete(id);
    this.registrations.delete(id);
  }

  /** Starts following the workspace's files (after its tasks were added); once. */
  async watch(): Promise<void> {
    this.source ??= this.startSource();
    await this.source.catch((err: unknown) => {
      this.source = undefined; // tried again by the next pass
      throw err;
    });
  }

  private async startSource(): Promise<FactSource> {
    // The watcher reports changes at once; the scan behind it only catches what inotify dropped
    // (a full scan a minute, or every 5 s after a burst of events), and lists every 5 s the tasks
    // whose workers run on a cluster engine — unless an executor asks for less: inotify does not
    // see another node's writes, the scan is their floor (docs/decisions/0027-idle-daemon.md).
    // Finished tasks are listed by one full scan in twelve only: an idle daemon stays nearly asleep.
    const config = await loadUserConfig(process.env).then(
      (l) => l.config,
      () => null,
    );
    this.sourceNow = await createFactSource({
      dispatchDir: this.dispatchDir,
      onFact: (f) => {
        this.onActivity();
        return this.onFact(f);
      },
      onError: (err) => {
        this.onError(err);
        this.onActivity();
      },
      scanIntervalMs: scanIntervalMs(config),
      // A knob for the benchmark and tests: follow by the scan alone, as for writes from other nodes.
      ...(process.env.DISPATCH_WATCHER === 'off' && { useWatcher: false }),
      isRemote: (id) => this.remote.has(id),
      onTouched: (id) => void this.touched.add(id),
      isSettled: (id) => this.started.get(id)?.snapshot.status === 'done',
    });
    return this.sourceNow;
  }

  /**
   * Every hosted task as the scheduler sees it: a worker's backend as its attempt claimed it; a
   * queued task's as `backendOf` resolves its current model (a retry may have changed it).
   */
  scheduled(
    backendOf: (model: string) => string | null = () => null,
    executorOf: (model: string, taskExecutor: string | undefined) => string = (_m, e) => e ?? 'local',
  ): ScheduledTask[] {
    const states = new Map([...this.started].map(([id, h]) => [id, h.snapshot.value as TaskState]));
    return [...this.started].map(([id, h]) => {
      const state = h.snapshot.value as TaskState;
      return {
        key: `${this.dispatchDir}\0${id}`,
        state,
        backend:
          (state === 'queued' ? backendOf(h.snapshot.context.model) : this.claimedBackend(id, h)) ?? h.task.backend,
        executor:
          state === 'queued'
            ? executorOf(h.snapshot.context.model, h.task.options.executor)
            : (this.claims.get(id)?.executor ?? 'local'),
        createdAt: h.task.createdAt,
        model: h.snapshot.context.model,
        waitingForQuota: h.snapshot.context.waiting !== null,
        after:
          h.snapshot.context.startReason !== 'first'
            ? []
            : (h.task.options.after ?? []).map((dep) => ({ id: dep, state: states.get(dep) })),
      };
    });
  }

  /**
   * The backend the task's current attempt claimed, read once per attempt (a claim never
   * changes): the scheduler asks every 2 s, for every task.
   */
  private claimedBackend(id: string, h: TaskHost): string | null {
    return this.claimOf(id, h.snapshot.context.attempt)?.backend ?? null;
  }

  /** Attempt `attempt` of task `id` as claimed (its backend and executor), read once; null before it is claimed. */
  private claimOf(id: string, attempt: number): { backend: string; executor: string } | null {
    if (attempt === 0) return null;
    const known = this.claims.get(id);
    if (known?.attempt === attempt) return known;
    const paths = this.started.get(id)?.paths ?? taskPaths(this.dispatchDir, id);
    const claim = readAttemptClaimSync(paths.attempts, attempt);
    if (!claim?.backend) return null;
    const read = { attempt, backend: claim.backend, executor: claim.executor?.name ?? 'local' };
    this.claims.set(id, read);
    return read;
  }

  /** Applies the scheduler's decision for one of this workspace's tasks. */
  decide(id: string, decision: Decision): void {
    const host = this.started.get(id);
    if (!host) return;
    if (decision.action === 'wait-for-quota') {
      const wait = { type: 'quota.wait', until: decision.until, message: decision.message, at: Date.now() } as const;
      if (!accepts(host.snapshot, wait)) return;
      host.send(wait);
      const registration = this.registrations.get(id);
      // It waits because the model rests already: nothing more to put on record.
      if (registration) void this.onWaiting(host, registration, false).catch(this.onError);
      return;
    }
    if (!accepts(host.snapshot, { type: 'start', at: Date.now() })) return;
    if (decision.action === 'start') host.send({ type: 'start', at: Date.now() });
    else if (decision.action === 'fail')
      host.send({ type: 'dependency.failed', message: decision.message, at: Date.now() });
  }

  /** How this workspace is followed: by its watcher, or by scans alone when the watcher failed; and how many tasks are hosted. */
  health(): WatchHealth {
    const stats = this.sourceNow?.stats;
    return {
      dispatchDir: this.dispatchDir,
      watching: stats?.watching ?? false,
      degraded: stats?.degraded ?? false,
      facts: { fromWatcher: stats?.factsFromWatcher ?? 0, fromScan: stats?.factsFromScan ?? 0 },
      tasks: this.started.size,
    };
  }

  /** Whether any task still has something to do on its own (a worker, a deadline, a start), or is still being hosted. */
  busy(): boolean {
    return this.live.size > 0 || this.hosts.size > this.started.size;
  }

  /** Whether a hosted task waits in `queued` (the scheduler's periodic pass has work). */
  hasQueued(): boolean {
    return this.queued.size > 0;
  }

  /** Whether a hosted task's worker runs on a cluster engine (followed through the engine). */
  hasRemote(): boolean {
    return this.remote.size > 0;
  }

  /** Applies every request still waiting in a hosted task's folder; true if there was one. */
  async applyPending(): Promise<boolean> {
    let any = false;
    for (const host of this.hosts.values()) {
      const h = await host.catch(() => null);
      const waiting = h && (await readRequests(h.paths.requests).catch(() => null));
      if (!h || !waiting || waiting.requests.length + waiting.errors.length === 0) continue;
      any = true;
      await this.applyRequestsOf(h).catch(this.onError);
    }
    return any;
  }

  /**
   * Periodic upkeep: keeps the logs of running workers under their cap, and removes the temps
   * killed writers left. Only where something could have changed: the tasks the watcher saw
   * written to, those on a cluster (their writes are not seen), those with young temps left;
   * every task once a minute, and each time while the watcher does not work (lost events).
   */
  async maintain(now = Date.now()): Promise<void> {
    const stats = this.sourceNow?.stats;
    const full = now - this.lastFullUpkeepAt >= FULL_UPKEEP_MS || !stats?.watching || stats.degraded;
    const ids = new Set([...this.touched, ...this.remote, ...this.tempsLeft]);
    this.touched.clear();
    if (full) this.lastFullUpkeepAt = now;
    const hosts = full ? this.hostsNow() : [...ids].flatMap((id) => this.started.get(id) ?? []);
    await capWorkerLogs(hosts, this.onError);
    this.tempsLeft = await this.temps.sweep(hosts, this.onError);
  }

  /** Removes temp files killed writers left (50 s old) in every task; true when younger ones remain. */
  async cleanTemps(): Promise<boolean> {
    this.tempsLeft = await this.temps.sweep(this.hostsNow(), this.onError);
    return this.tempsLeft.length > 0;
  }

  /** Fails, and stops, running workers that showed no sign of life for `stallMs` (each looked at when it could be due). */
  async checkStalls(stallMs: number, everyMs: number, now = Date.now()): Promise<void> {
    await this.stalls.check(this.hostsNow(), (h) => this.claimedBackend(h.paths.id, h), stallMs, everyMs, now);
  }

  /** Asks the cluster engines about the workers they run (each at its executor's interval). */
  async followEngines(): Promise<void> {
    for (const id of this.remote) await this.started.get(id)?.followWorker().catch(this.onError);
  }

  /** Every task hosted so far (those whose hosting failed, or is still under way, left out). */
  private hostsNow(): TaskHost[] {
    return [...this.started.values()];
  }

  private async onFact(fact: Fact): Promise<void> {
    // Facts of tasks that were never registered (a folder copied in from elsewhere) are ignored.
    const host = await this.hosts.get(fact.taskId);
    if (!host) return;
    if (fact.type === 'request') await this.applyRequestsOf(host);
    else await host.handleFact(fact);
  }

  /**
   * Applies a task's requests after rereading its registration: a `retry` or `continue` replaced
   * the environment there before writing its request, so the next worker gets the caller's.
   */
  private async applyRequestsOf(host: TaskHost): Promise<void> {
    // Most tasks have none: one listing, before the registration is read again.
    const names = await readdir(host.paths.requests).catch(() => [] as string[]);
    if (!names.some(isRequestName)) return;
    const registration = this.registrations.get(host.paths.id);
    const current = registration && (await readRegistration(this.home, this.dispatchDir, registration.id));
    if (registration && current) registration.env = current.env;
    await applyRequests(host, Date.now);
  }

  async close(): Promise<void> {
    await (await this.source?.catch(() => undefined))?.close();
    for (const host of this.hosts.values()) await (await host.catch(() => null))?.stop();
  }
}

/** How often upkeep looks at every task, not only those that changed (see maintain). */
const FULL_UPKEEP_MS = 60_000;

/** The daemon's full-scan period: 5 s, or the shortest `scan_interval` an executor of the config sets. */
export function scanIntervalMs(config: DispatchConfig | null): number {
  const set = Object.values(config?.executors ?? {}).flatMap((e) =>
    e.scanInterval === undefined ? [] : [e.scanInterval * 1000],
  );
  return Math.max(100, Math.min(5_000, ...set));
}

/** A state the user must act on and no worker runs in (blocked, failed): the daemon may recover first. */
function atRestForUser(state: TaskState): boolean {
  return needsUser(state) && !hasWorker(state);
}
