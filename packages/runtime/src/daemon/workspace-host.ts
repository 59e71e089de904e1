import { capWorkerLog, STRUCTURED_BACKENDS } from '@dispatch/backends';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { attemptFiles, cleanStaleTemps, createFactSource, deriveTaskState, type Fact, type FactSource, findStaleTemps, listFolder, type ListingMemo, readRequests } from '@dispatch/ipc-fs';
import { LogActivity } from '../worker/log-activity.js';
import { classifyStuckWorker } from '../worker/classify-exit.js';
import { TaskHost } from '../host/task-host.js';

import { applyRequests } from './apply-requests.js';
import type { WatchHealth } from './daemon-files.js';
import { fallbackModel } from '../recovery/fallback.js';
import { notifyCommand, runNotify } from './notify.js';
import type { Decision, ScheduledTask } from './scheduler.js';
import type { TaskState } from '@dispatch/core';
import { classifyExit } from '../worker/classify-exit.js';
import { alternativeModels } from '../config/alternatives.js';
import { conditionOf, describeCondition } from '../tasks/conditions.js';

/** The states a notify hook hears of: what needs the user, and completions. */
const NOTABLE: readonly TaskState[] = ['awaiting-answer', 'blocked', 'failed', 'completed'];
import { ConfigError, DEFAULT_QUOTA_COOLDOWN } from '@dispatch/config';
import { activeCooldowns, recordCooldown } from '../config/cooldowns.js';
import { loadUserConfig } from '../config/user-config.js';
import type { Registration } from './registry.js';
import { resolveWorker } from '../worker/resolve-worker.js';
import { resumedSessionGone } from '../worker/resume-session.js';

/** How old a temp file must be before the daemon takes it for a killed writer's and removes it. */
const TEMP_MAX_AGE_MS = 50_000;

/** Whether `dir` holds a temp file; from `memo` while the folder has not changed (most hold none). */
async function hasTempName(dir: string, memo: ListingMemo): Promise<boolean> {
  try {
    return (await listFolder(dir, memo)).some((e) => e.name.endsWith('.tmp'));
  } catch {
    return false;
  }
}

/** The tasks of one workspace that the daemon hosts, fed by one fact source. */
export class WorkspaceHost {
  private readonly hosts = new Map<string, Promise<TaskHost>>();
  /** The hosts that have started, for questions that cannot wait (is a task finished?). */
  private readonly started = new Map<string, TaskHost>();
  /** The backend each task's current attempt claimed (see `claimedBackend`). */
  private readonly claims = new Map<string, { attempt: number; backend: string }>();
  /** The task folders as last listed by the search for temp files. */
  private readonly tempsMemo: ListingMemo = new Map();
  private source: FactSource | undefined;

  constructor(
    private readonly home: string,
    readonly dispatchDir: string,
    private readonly bin: string,
    private readonly onError: (err: unknown) => void,
    /** Told when a task changed state: a slot may have freed, a dependency completed. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Hosts a registered task (once), rebuilding it from its files. */
  add(registration: Registration): Promise<TaskHost> {
    let host = this.hosts.get(registration.id);
    if (!host) {
      host = TaskHost.start({
        id: registration.id,
        dispatchDir: this.dispatchDir,
        cwd: registration.cwd,
        env: registration.env,
        bin: this.bin,
        resolveWorker: (model) => resolveWorker(model, registration.env),
        onError: this.onError,
        // Queued tasks start when the daemon's scheduler says (limits, dependencies).
        autoStart: false,
        onState: (state) => {
          this.onChange();
          // A failure the daemon takes care of (a gone session, the fallback) is no news for the user.
          if (state === 'failed' || state === 'blocked') void host?.then(async (h) => (await this.restartCold(h)) || (await this.fallBack(h, registration.env)) || (await this.notify(registration))).catch(this.onError);
          else if (NOTABLE.includes(state)) void this.notify(registration).catch(this.onError);
        },
        // A test knob: how long a claimed attempt may take to show its pid (default 10 s).
        ...(process.env.DISPATCH_PID_WAIT_MS && { pidWaitMs: Number(process.env.DISPATCH_PID_WAIT_MS) }),
      }).then(async (h) => {
        this.started.set(registration.id, h);
        await applyRequests(h, Date.now).catch(this.onError);
        // A task that failed while no daemon ran (or just before one died) falls back now.
        const handled = (await this.restartCold(h).catch(() => false)) || (await this.fallBack(h, registration.env).catch((err: unknown) => (this.onError(err), false)));
        // What needs the user and happened while no daemon ran (a question, an exit) is news too.
        if (!handled && h.enteredWhileAway !== null && NOTABLE.includes(h.snapshot.value as TaskState)) await this.notify(registration).catch(this.onError);
        return h;
      });
      host.catch(this.onError);
      this.hosts.set(registration.id, host);
    }
    return host;
  }

  /**
   * What the daemon does about a failed task on its own: a quota failure rests the model (until
   * the reset time its CLI named, else the config's `quota_cooldown`); then, with a `fallback`
   * list, the task is retried with the next model there (logged as `retry` by `fallback`).
   */
  private async fallBack(host: TaskHost, env: NodeJS.ProcessEnv): Promise<boolean> {
    const { value, context } = host.snapshot;
    if (value !== 'failed' || context.error === null) return false;
    const config = await loadUserConfig(env).then((l) => l.config, (err: unknown) => {
      if (err instanceof ConfigError) return null; // no config, or a broken one: nothing to fall back on
      throw err;
    });
    const now = Date.now();
    if (context.error.kind === 'quota') {
      const until = context.error.resetAt ?? now + (config?.quotaCooldown ?? DEFAULT_QUOTA_COOLDOWN) * 1000;
      await recordCooldown(this.home, { model: context.model, until, reason: context.error.message }, now);
    }
    if (config === null) return false;
    const cooling = new Set((await activeCooldowns(this.home, now)).keys());
    const model = fallbackModel(host.snapshot, config, env, cooling);
    if (model === null || host.snapshot.value !== 'failed') return false;
    host.send({ type: 'retry', model, by: 'fallback', at: Date.now() });
    return true;
  }

  /**
   * An attempt that ended because the session it was to resume is gone (expired, deleted)
   * ended before the worker did anything: it goes again at once, the same model, cold (the next
   * attempt sees that this one named no live session). A failed task is retried, a blocked one
   * (its `[?]` still in the plan) continued; logged `by: resume`. Once: a cold attempt resumes
   * nothing.
   */
  private async restartCold(host: TaskHost): Promise<boolean> {
    const { value, context } = host.snapshot;
    if ((value !== 'failed' && value !== 'blocked') || !(await resumedSessionGone(host.paths, context.attempt))) return false;
    if (host.snapshot.value !== value) return false;
    host.send(value === 'failed' ? { type: 'retry', model: context.model, by: 'resume', at: Date.now() } : { type: 'continue', model: null, by: 'resume', at: Date.now() });
    return true;
  }

  /** Tells the user's notify hook (config `notify`, else a desktop notification) what happened. */
  private async notify(registration: Registration): Promise<void> {
    const config = await loadUserConfig(registration.env).then((l) => l.config, () => null);
    const command = notifyCommand(config?.notify, registration.env);
    if (command === null) return;
    const derived = await deriveTaskState(this.dispatchDir, registration.id, { classify: classifyExit });
    const condition = await conditionOf(derived, (tried) => alternativeModels(registration.env, tried));
    if (condition === null) return;
    runNotify(command, { ...condition, dispatchDir: this.dispatchDir }, describeCondition(condition), registration.env, this.onError);
  }

  /** Drops a task whose hosting failed, so that a later pass tries it again. */
  forget(id: string): void {
    this.hosts.delete(id);
  }

  /** Starts following the workspace's files (after its tasks were added). */
  async watch(): Promise<void> {
    // The watcher reports changes at once; the full scan behind it only catches what inotify
    // dropped, so every 5 s is enough and keeps an idle daemon with many tasks cheap.
    // Finished tasks are listed by one scan a minute only: an idle daemon stays nearly asleep.
    this.source ??= await createFactSource({
      dispatchDir: this.dispatchDir,
      onFact: (f) => this.onFact(f),
      onError: this.onError,
      scanIntervalMs: 5_000,
      isSettled: (id) => this.started.get(id)?.snapshot.status === 'done',
    });
  }

  /**
   * Every hosted task as the scheduler sees it: a worker's backend as its attempt claimed it; a
   * queued task's as `backendOf` resolves its current model (a retry may have changed it).
   */
  scheduled(backendOf: (model: string) => string | null = () => null): ScheduledTask[] {
    const states = new Map([...this.started].map(([id, h]) => [id, h.snapshot.value as TaskState]));
    return [...this.started].map(([id, h]) => {
      const state = h.snapshot.value as TaskState;
      return {
        key: `${this.dispatchDir}\0${id}`,
        state,
        backend: (state === 'queued' ? backendOf(h.snapshot.context.model) : this.claimedBackend(id, h)) ?? h.task.backend,
        createdAt: h.task.createdAt,
        after: h.snapshot.context.startReason !== 'first' ? [] : (h.task.options.after ?? []).map((dep) => ({ id: dep, state: states.get(dep) })),
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
    const backend = readClaimSync(h.paths.attempts, attempt)?.backend ?? null;
    if (backend !== null) this.claims.set(id, { attempt, backend });
    return backend;
  }

  /** Applies the scheduler's decision for one of this workspace's tasks. */
  decide(id: string, decision: Decision): void {
    const host = this.started.get(id);
    if (!host || host.snapshot.value !== 'queued') return;
    if (decision.action === 'start') host.send({ type: 'start', at: Date.now() });
    else if (decision.action === 'fail') host.send({ type: 'dependency.failed', message: decision.message, at: Date.now() });
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
      if (snapshot && snapshot.status === 'active' && (snapshot.hasTag('active') || snapshot.value === 'queued')) return true;
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
      await applyRequests(h, Date.now).catch(this.onError);
    }
    return any;
  }

  /** Periodic upkeep: keeps the logs of running workers under their cap, and removes stale temps. */
  async maintain(): Promise<void> {
    for (const host of this.hosts.values()) {
      const h = await host.catch(() => null);
      if (h?.snapshot.hasTag('worker')) await capWorkerLog(h.paths.workerLog).catch(this.onError);
    }
    await this.cleanTemps();
  }

  /**
   * Removes the temp files killed writers left in the tasks' folders (a `dispatch answer` killed
   * between writing and publishing, a worker killed mid-write) once they are 50 s old — so none
   * is ever older than a minute while a daemon runs. Returns whether younger ones remain.
   */
  async cleanTemps(): Promise<boolean> {
    let left = false;
    for (const host of this.hosts.values()) {
      const h = await host.catch(() => null);
      if (!h) continue;
      for (const dir of [h.paths.dir, h.paths.ipc, h.paths.attempts, h.paths.requests]) {
        // One stat per folder in the common case: most hold no temp file and have not changed.
        if (!(await hasTempName(dir, this.tempsMemo))) continue;
        const temps = await findStaleTemps(dir, 0).catch(() => []);
        const removed = await cleanStaleTemps(dir, TEMP_MAX_AGE_MS).catch((err: unknown) => (this.onError(err), []));
        if (removed.length < temps.length) left = true;
      }
    }
    return left;
  }

  /**
   * Fails, and stops, a running worker that has shown no sign of life — no plan change, no
   * output — for `stallMs`. Not while it waits for an answer: waiting is its job then.
   */
  async checkStalls(stallMs: number, now = Date.now()): Promise<void> {
    for (const [id, host] of this.hosts) {
      const h = await host.catch(() => null);
      if (!h || h.snapshot.value !== 'running') continue;
      // A CLI with structured output shows progress by its events; raw output (codex's endless
      // "Reconnecting...") is no sign of life then. Others: any output counts.
      const backend = this.claimedBackend(id, h);
      const structured = backend !== null && STRUCTURED_BACKENDS.has(backend);
      const activity = structured ? await this.activityOf(h).lastEvent(now) : await mtime(h.paths.workerLog);
      const since = Math.max(h.snapshot.context.startedAt ?? 0, await mtime(h.paths.plan), activity ?? 0);
      if (now - since > stallMs) {
        const minutes = Math.round(stallMs / 60_000);
        const what = structured ? 'no plan change and no worker activity' : 'no plan change and no worker output';
        const message = `${what} for ${minutes >= 1 ? `${minutes} min` : `${stallMs} ms`}`;
        const cause = await classifyStuckWorker(h.paths, h.snapshot.context.attempt, new Date(now));
        h.send({ type: 'worker.stalled', message, cause, at: now });
      }
    }
  }

  private readonly activity = new Map<string, LogActivity>();

  private activityOf(host: TaskHost): LogActivity {
    let tracker = this.activity.get(host.paths.id);
    if (!tracker) this.activity.set(host.paths.id, (tracker = new LogActivity(host.paths.workerLog)));
    return tracker;
  }

  private async onFact(fact: Fact): Promise<void> {
    // Facts of tasks that were never registered (a folder copied in from elsewhere) are ignored.
    const host = await this.hosts.get(fact.taskId);
    if (!host) return;
    if (fact.type === 'request') await applyRequests(host, Date.now);
    else await host.handleFact(fact);
  }

  async close(): Promise<void> {
    await this.source?.close();
    for (const host of this.hosts.values()) await (await host.catch(() => null))?.stop();
  }
}

async function mtime(path: string): Promise<number> {
  return stat(path).then((s) => s.mtimeMs, () => 0);
}

/** Attempt N's claim, read at once (tiny file); null if unreadable. */
function readClaimSync(attemptsDir: string, n: number): { backend: string } | null {
  try {
    return JSON.parse(readFileSync(attemptFiles(attemptsDir, n).claim, 'utf8')) as { backend: string };
  } catch {
    return null;
  }
}
