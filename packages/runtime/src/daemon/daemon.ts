import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  daemonFiles,
  IpcError,
  listRegistrations,
  type ListingMemo,
  type Registration,
  registryDir,
  removeDaemonInfo,
  unregister,
  activeCooldowns,
  workspaceKey,
  writeQueue,
  writeWatchHealth,
} from '@dispatch/ipc-fs';
import { announceDaemon } from './daemon-info.js';
import { TempSweeper } from './upkeep.js';
import { UpkeepSchedule } from './upkeep-schedule.js';
import { acquireDaemonLock } from './daemon-lock.js';
import { WorkspaceHost } from './workspace-host.js';
import { type Cooling, schedule } from './scheduler.js';
import { resolveModel } from '@dispatch/config';
import { loadUserConfig } from '../config/user-config.js';
import { crashPoint } from './crash-points.js';
import { installLoopBlocker } from './loop-blocker.js';
import { BUILD_ID, VERSION } from '../version.js';

/** Tasks hosted at once when the daemon starts (each mostly waits on reads). */
const HOSTING_CONCURRENCY = 16;

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** How the daemon runs. */
export interface DaemonOptions {
  home: string;
  /** The dispatch executable this daemon runs as, for `$DISPATCH_BIN`. */
  bin: string;
  /** Exit after this long with nothing to do (default 60 s). */
  idleMs?: number;
  /** A running worker silent this long (no plan change, no output) is stalled (default 20 min). */
  stallMs?: number;
}

/**
 * The daemon: one per `DISPATCH_HOME`. Hosts every registered task of every workspace, follows
 * their files, applies their requests, and exits when idle. Everything it knows is on disk, so
 * it can be killed at any moment and the next one carries on. Resolves when it stops; returns
 * false when another daemon already runs.
 */
export async function hostDaemon(options: DaemonOptions): Promise<boolean> {
  const { home } = options;
  const log = (line: string) =>
    void appendFile(daemonFiles(home).log, `${new Date().toISOString()} ${line}\n`).catch(() => undefined);
  const onError = (err: unknown) => log(`error: ${(err as Error)?.stack ?? String(err)}`);
  // Why the daemon stops: idle (it looks once more for work that arrived meanwhile) or told to.
  let stop: (why: 'idle' | 'told') => void = () => undefined;
  let stopped = new Promise<'idle' | 'told'>((resolve) => (stop = resolve));
  const release = await acquireDaemonLock(home, (err) => {
    log(`lock lost: ${err.message}`);
    stop('told');
  });
  if (!release) return false;
  // `run` nudges the daemon (SIGUSR2) after registering a task, so it starts at once; the slow
  // rescan is the safety net for a nudge that was lost. Listening before daemon.json names this
  // process: a nudge must never find it deaf (SIGUSR2's default is to terminate).
  const workspaces = new Map<string, WorkspaceHost>();
  const hosted = new Set<string>();
  // Queued tasks of every workspace start when the scheduler says: limits are the user's, across
  // workspaces; dependencies within one. Run after every change, one run at a time.
  let scheduling = Promise.resolve();
  let queue = '';
  // Not before every registered task was taken up (or found gone): a task restored later may
  // hold a slot, and a pass that did not see it would start one worker too many.
  let allHosted = false;
  // A pass waiting to start sees every change made before it starts: one is enough for a burst.
  let passWaiting = false;
  const runSchedule = () => {
    if (!allHosted || passWaiting) return scheduling;
    passWaiting = true;
    scheduling = scheduling
      .then(async () => {
        passWaiting = false;
        // Only queued tasks wait for a decision: with none (and none reported waiting), nothing to decide.
        if (queue === '[]' && ![...workspaces.values()].some((w) => w.hasQueued())) return;
        const config = await loadUserConfig(process.env).then(
          (l) => l.config,
          () => null,
        );
        // A queued task's next worker runs its current model's backend (a retry may change it).
        const backendOf = (model: string): string | null => {
          try {
            const r = resolveModel({ config, modelFlag: model });
            return r.via === 'builtin' ? 'sim' : (r.backend?.name ?? 'command');
          } catch {
            return null; // refused at spawn, with the reason; counted as the task's own backend meanwhile
          }
        };
        // Where a queued task's next worker runs: its own --executor, else its backend's.
        const executorOf = (model: string, taskExecutor: string | undefined): string => {
          if (taskExecutor !== undefined) return taskExecutor;
          try {
            const r = resolveModel({ config, modelFlag: model });
            return r.via === 'builtin' ? 'local' : (r.backend?.executor ?? 'local');
          } catch {
            return 'local';
          }
        };
        const all = [...workspaces.values()].flatMap((w) => w.scheduled(backendOf, executorOf));
        // Models resting after a quota failure: read only when a task could start on one.
        const cooling = all.some((t) => t.state === 'queued' && !t.waitingForQuota)
          ? await activeCooldowns(home, Date.now())
          : new Map<string, Cooling>();
        const decisions = schedule(all, config?.limits, cooling);
        const waiting = [];
        for (const d of decisions) {
          const [dir, id] = d.key.split('\0') as [string, string];
          workspaces.get(dir)?.decide(id, d);
          if (d.action === 'wait')
            waiting.push({ dispatchDir: dir, id, reason: d.reason, ...(d.place !== undefined && { place: d.place }) });
        }
        // Why each queued task waits, for `status`: written when it changes.
        const text = JSON.stringify(waiting);
        if (text !== queue) {
          await writeQueue(home, waiting);
          queue = text;
        }
      })
      .catch(onError);
    return scheduling;
  };
  // How each workspace is followed, and how many tasks it hosts, for `doctor`, `status` and
  // benchmarks: written once every registered task is hosted, then when it changes.
  let health = '';
  let healthDirty = false;
  const reportHealth = async () => {
    const now = [...workspaces.values()].map((w) => w.health());
    const text = JSON.stringify(now);
    if (text === health) return;
    await writeWatchHealth(home, process.pid, now);
    health = text;
  };
  // The periodic jobs, armed below once the tasks are hosted.
  let upkeep: UpkeepSchedule | undefined;
  // The idle countdown starts from the last change: a task that changed state is activity.
  let activeAt = Date.now();
  const onTaskChange = () => {
    activeAt = Date.now();
    void runSchedule();
    upkeep?.poke();
  };
  const onWatchActivity = () => {
    healthDirty = true;
    upkeep?.poke();
  };
  const workspaceOf = (dispatchDir: string): WorkspaceHost => {
    let ws = workspaces.get(dispatchDir);
    if (!ws) {
      ws = new WorkspaceHost(home, dispatchDir, options.bin, onError, onTaskChange, onWatchActivity);
      workspaces.set(dispatchDir, ws);
    }
    return ws;
  };
  const host = async (r: Registration): Promise<void> => {
    const ws = workspaceOf(r.dispatchDir);
    try {
      await ws.add(r);
    } catch (err) {
      // One task that cannot be hosted must not hold up the others (nor their scheduling).
      ws.forget(r.id);
      if (err instanceof IpcError && err.code === 'no-such-task') {
        // Its folder is gone (deleted, or a clean interrupted): there is nothing left to run.
        await unregister(home, r.dispatchDir, r.id);
        log(`unregistered ${r.id} of ${r.dispatchDir}: its task folder is gone`);
      }
      return;
    }
    hosted.add(`${workspaceKey(r.dispatchDir)}/${r.id}`);
    crashPoint('during-startup-scan');
  };
  // The registry's folders as last listed: re-listing them every few seconds costs a stat each.
  const registryMemo: ListingMemo = new Map();
  const sync = async () => {
    const fresh = await listRegistrations(home, (key, id) => hosted.has(`${key}/${id}`), registryMemo);
    if (fresh.length === 0 && allHosted) return;
    // Follow each workspace's files first: its first scan finds no host yet for the tasks about
    // to be hosted (each is rebuilt from its files as they are), and nothing written meanwhile is missed.
    for (const dir of new Set(fresh.map((r) => r.dispatchDir))) await workspaceOf(dir).watch().catch(onError);
    // Several at once: each waits mostly on reads, and a restart must not cost the sum of them.
    await inPool(fresh, HOSTING_CONCURRENCY, host);
    activeAt = Date.now();
    healthDirty = true; // how many tasks are hosted
    if (!allHosted) {
      allHosted = true;
      await reportHealth();
    }
    await runSchedule();
    upkeep?.poke(); // a task just hosted may be queued, or run on a cluster
  };
  let syncing = Promise.resolve();
  // A pass waiting to start lists what every nudge before it announced: `run`s in a burst share it.
  let syncWaiting = false;
  const resync = () => {
    if (syncWaiting) return syncing;
    syncWaiting = true;
    syncing = syncing
      .then(() => {
        syncWaiting = false;
        return sync();
      })
      .catch(onError);
    return syncing;
  };
  process.on('SIGUSR2', resync);
  const uninstallBlocker = installLoopBlocker(daemonFiles(home).log);
  await announceDaemon(home);
  log(`started (pid ${process.pid}, version ${VERSION}, build ${BUILD_ID})`);

  await resync();

  const idleMs = options.idleMs ?? 60_000;
  const stallMs = options.stallMs ?? 20 * 60_000;
  // Stalls are minutes long: look every 10 s, sooner only for short limits. Each look reads only
  // the tasks that could be due by then (see StallWatch).
  const stallCheckMs = Math.max(500, Math.min(10_000, Math.floor(stallMs / 1000) * 500));
  let tempsCheckedAt = 0;
  let tempsLeft = false;
  // The home's own files (daemon.json, the health and queue reports, registrations) are written
  // atomically too: a daemon killed mid-write leaves a temp there, which the next one removes.
  const homeTemps = new TempSweeper();
  const homeDirs = async () => [
    home,
    ...(await readdir(registryDir(home)).catch(() => [] as string[])).map((k) => join(registryDir(home), k)),
  ];
  const sweepHome = async () => homeTemps.sweepDirs(await homeDirs(), onError);
  const all = () => [...workspaces.values()];
  const busy = () => all().some((w) => w.busy());
  const leaveWhenIdle = async () => {
    const now = Date.now();
    if (busy()) activeAt = now;
    if (now - activeAt <= idleMs) return;
    // A killed writer's temp file would outlive an exited daemon: stay until it can be removed.
    if (now - tempsCheckedAt >= 10_000) {
      tempsCheckedAt = now;
      tempsLeft = await sweepHome();
      for (const ws of all()) if (await ws.cleanTemps()) tempsLeft = true;
    }
    if (!tempsLeft) stop('idle');
  };
  // What the daemon does between changes, each job only while it has something to do, so an
  // idle daemon sleeps between the few that remain (docs/decisions/0027-idle-daemon.md).
  upkeep = new UpkeepSchedule(
    [
      // A safety net for a nudge that was lost: `run` signals the daemon after registering.
      { name: 'registrations', everyMs: 5_000, run: resync },
      // Every change schedules at once; this pass is for what changes without an event (a
      // model's rest ends, the config's limits are raised) while tasks wait in the queue.
      { name: 'schedule', everyMs: 2_000, wanted: () => all().some((w) => w.hasQueued()), run: runSchedule },
      {
        name: 'health',
        everyMs: 500,
        wanted: () => healthDirty,
        run: async () => {
          healthDirty = false;
          await reportHealth();
        },
      },
      // Workers on a cluster engine are followed through it (each at its executor's pace).
      {
        name: 'engines',
        everyMs: 500,
        wanted: () => all().some((w) => w.hasRemote()),
        run: async () => {
          for (const ws of all()) await ws.followEngines();
        },
      },
      {
        name: 'maintain',
        everyMs: 10_000,
        // Soon after start: the temps killed writers left before it are removed by this sweep.
        firstInMs: 1_000,
        run: async () => {
          for (const ws of all()) await ws.maintain();
          await sweepHome();
        },
      },
      {
        name: 'stalls',
        everyMs: stallCheckMs,
        wanted: busy,
        run: async () => {
          for (const ws of all()) await ws.checkStalls(stallMs, stallCheckMs);
        },
      },
      { name: 'idle', everyMs: 500, wanted: () => !busy(), run: leaveWhenIdle },
    ],
    onError,
  );
  upkeep.start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop('told'));

  for (;;) {
    const why = await stopped;
    // Unnamed first, so a command from now on starts the next daemon (it waits for this lock)
    // instead of nudging one that is leaving.
    await removeDaemonInfo(home, process.pid);
    if (why === 'told') break;
    // A command that found this daemon just before registered its task or wrote its request
    // first, then nudged: look once more, and stay if anything came.
    await resync();
    let work = false;
    for (const ws of workspaces.values()) if ((await ws.applyPending()) || ws.busy()) work = true;
    if (!work) break;
    stopped = new Promise((resolve) => (stop = resolve));
    activeAt = Date.now();
    await announceDaemon(home);
    log('stays: work arrived as it was leaving');
  }
  upkeep.stop();
  process.off('SIGUSR2', resync);
  uninstallBlocker();
  for (const ws of workspaces.values()) await ws.close().catch(onError);
  log(`stopped (pid ${process.pid})`);
  await release().catch(() => undefined);
  return true;
}
