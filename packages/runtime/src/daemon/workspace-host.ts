import { accepts, hasWorker, needsUser, type TaskState } from '@dispatch/core';
import {
  createFactSource,
  type Fact,
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
  private readonly stalls = new StallWatch();
  private readonly notifier: Notifier;
  private source: FactSource | undefined;

  constructor(
    private readonly home: string,
    readonly dispatchDir: string,
    private readonly bin: string,
    private readonly onError: (err: unknown) => void,
    /** Told when a task changed state: a slot may have freed, a dependency completed. */
    private readonly onChange: () => void = () => undefined,
  ) {
    this.notifier = new Notifier(dispatchDir, onError);
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
        onState: (state, _from, snapshot) => {
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

  /** Starts following the workspace's files (after its tasks were added). */
  async watch(): Promise<void> {
    // The watcher reports changes at once; the full scan behind it only catches what inotify
    // dropped, so every 5 s is enough and keeps an idle daemon with many tasks cheap — unless an
    // executor asks for less: inotify does not see another node's writes, the scan is their floor.
    // Finished tasks are listed by one scan a minute only: an idle daemon stays nearly asleep.
    const config = await loadUserConfig(process.env).then(
      (l) => l.config,
      () => null,
    );
    this.source ??= await createFactSource({
      dispatchDir: this.dispatchDir,
      onFact: (f) => this.onFact(f),
      onError: this.onError,
      scanIntervalMs: scanIntervalMs(config),
      // A knob for the benchmark and tests: follow by the scan alone, as for writes from other nodes.
      ...(process.env.DISPATCH_WATCHER === 'off' && { useWatcher: false }),
      isSettled: (id) => this.started.get(id)?.snapshot.status === 'done',
    });
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
    const attempt = h.snapshot.context.attempt;
    if (attempt === 0) return null;
    const known = this.claims.get(id);
    if (known?.attempt === attempt) return known.backend;
    const claim = readAttemptClaimSync(h.paths.attempts, attempt);
    const backend = claim?.backend ?? null;
    if (backend !== null) this.claims.set(id, { attempt, backend, executor: claim?.executor?.name ?? 'local' });
    return backend;
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

  /** How this workspace is followed: by its watcher, or by scans alone when the watcher failed. */
  health(): WatchHealth {
    const stats = this.source?.stats;
    return {
      dispatchDir: this.dispatchDir,
      watching: stats?.watching ?? false,
      degraded: stats?.degraded ?? false,
      facts: { fromWatcher: stats?.factsFromWatcher ?? 0, fromScan: stats?.factsFromScan ?? 0 },
    };
  }

  /** Whether any hosted task still has something to do on its own (a worker, a deadline, a start). */
  async busy(): Promise<boolean> {
    for (const host of this.hosts.values()) {
      const snapshot = (await host.catch(() => null))?.snapshot;
      if (snapshot?.hasTag('live')) return true;
    }
    return false;
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

  /** Periodic upkeep: keeps the logs of running workers under their cap, and removes stale temps. */
  async maintain(): Promise<void> {
    await capWorkerLogs(await this.hostsNow(), this.onError);
    await this.cleanTemps();
  }

  /** Removes temp files killed writers left (50 s old); true when younger ones remain. */
  async cleanTemps(): Promise<boolean> {
    return this.temps.sweep(await this.hostsNow(), this.onError);
  }

  /** Fails, and stops, running workers that showed no sign of life for `stallMs`. */
  async checkStalls(stallMs: number, now = Date.now()): Promise<void> {
    const hosts = (await this.hostsNow()).map((host) => ({ host, backend: this.claimedBackend(host.paths.id, host) }));
    await this.stalls.check(hosts, stallMs, now);
  }

  /** Asks the cluster engines about the workers they run (each at its executor's interval). */
  async followEngines(): Promise<void> {
    for (const h of await this.hostsNow()) await h.followWorker().catch(this.onError);
  }

  /** Every task hosted so far (those whose hosting failed left out). */
  private async hostsNow(): Promise<TaskHost[]> {
    const all = await Promise.all([...this.hosts.values()].map((h) => h.catch(() => null)));
    return all.filter((h): h is TaskHost => h !== null);
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
    const registration = this.registrations.get(host.paths.id);
    const current = registration && (await readRegistration(this.home, this.dispatchDir, registration.id));
    if (registration && current) registration.env = current.env;
    await applyRequests(host, Date.now);
  }

  async close(): Promise<void> {
    await this.source?.close();
    for (const host of this.hosts.values()) await (await host.catch(() => null))?.stop();
  }
}

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
