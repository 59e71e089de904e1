import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  daemonFiles,
  IpcError,
  listRegistrations,
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
import { acquireDaemonLock } from './daemon-lock.js';
import { WorkspaceHost } from './workspace-host.js';
import { type Cooling, schedule } from './scheduler.js';
import { resolveModel } from '@dispatch/config';
import { loadUserConfig } from '../config/user-config.js';
import { crashPoint } from './crash-points.js';
import { installLoopBlocker } from './loop-blocker.js';
import { BUILD_ID, VERSION } from '../version.js';

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
  const runSchedule = () => {
    if (!allHosted) return scheduling;
    scheduling = scheduling
      .then(async () => {
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
  const sync = async () => {
    for (const r of await listRegistrations(home, (key, id) => hosted.has(`${key}/${id}`))) {
      let ws = workspaces.get(r.dispatchDir);
      if (!ws)
        workspaces.set(
          r.dispatchDir,
          (ws = new WorkspaceHost(home, r.dispatchDir, options.bin, onError, () => void runSchedule())),
        );
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
        continue;
      }
      hosted.add(`${workspaceKey(r.dispatchDir)}/${r.id}`);
      crashPoint('during-startup-scan');
      await ws.watch().catch(onError);
    }
    allHosted = true;
    await runSchedule();
  };
  let syncing = Promise.resolve();
  const resync = () => (syncing = syncing.then(sync).catch(onError));
  process.on('SIGUSR2', resync);
  const uninstallBlocker = installLoopBlocker(daemonFiles(home).log);
  await announceDaemon(home);
  log(`started (pid ${process.pid}, version ${VERSION}, build ${BUILD_ID})`);

  await resync();

  const idleMs = options.idleMs ?? 60_000;
  const stallMs = options.stallMs ?? 20 * 60_000;
  // Stalls are minutes long: look every 10 s (ticks are 500 ms), sooner only for short limits.
  const stallCheckTicks = Math.max(1, Math.min(20, Math.floor(stallMs / 1000)));
  let idleSince = Date.now();
  let ticks = 0;
  // How each workspace is followed, for `doctor` and `status`: written when it changes.
  let health = '';
  const reportHealth = async () => {
    const now = [...workspaces.values()].map((w) => w.health());
    const text = JSON.stringify(now);
    if (text === health) return;
    await writeWatchHealth(home, process.pid, now);
    health = text;
  };
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
  const tick = setInterval(() => {
    void (async () => {
      ticks += 1;
      if (ticks % 10 === 0) await resync();
      if (ticks % 4 === 0) await runSchedule(); // a safety net: every change schedules at once
      await reportHealth();
      for (const ws of workspaces.values()) await ws.followEngines();
      if (ticks % 20 === 0) {
        for (const ws of workspaces.values()) await ws.maintain();
        await sweepHome();
      }
      if (ticks % stallCheckTicks === 0) for (const ws of workspaces.values()) await ws.checkStalls(stallMs);
      const busy = (await Promise.all([...workspaces.values()].map((w) => w.busy()))).some(Boolean);
      if (busy) idleSince = Date.now();
      else if (Date.now() - idleSince > idleMs) {
        // A killed writer's temp file would outlive an exited daemon: stay until it can be removed.
        if (Date.now() - tempsCheckedAt >= 10_000) {
          tempsCheckedAt = Date.now();
          tempsLeft = await sweepHome();
          for (const ws of workspaces.values()) if (await ws.cleanTemps()) tempsLeft = true;
        }
        if (!tempsLeft) stop('idle');
      }
    })().catch(onError);
  }, 500);
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
    for (const ws of workspaces.values()) if ((await ws.applyPending()) || (await ws.busy())) work = true;
    if (!work) break;
    stopped = new Promise((resolve) => (stop = resolve));
    idleSince = Date.now();
    await announceDaemon(home);
    log('stays: work arrived as it was leaving');
  }
  clearInterval(tick);
  process.off('SIGUSR2', resync);
  uninstallBlocker();
  for (const ws of workspaces.values()) await ws.close().catch(onError);
  log(`stopped (pid ${process.pid})`);
  await release().catch(() => undefined);
  return true;
}
