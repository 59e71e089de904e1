import { appendFile } from 'node:fs/promises';
import { writeFileAtomic } from '@dispatch/ipc-fs/atomic-write';
import { daemonFiles, writeDaemonInfo } from './daemon-files.js';
import { acquireDaemonLock } from './daemon-lock.js';
import { listRegistrations, workspaceKey } from './registry.js';
import { WorkspaceHost } from './workspace-host.js';
import { crashPoint } from './crash-points.js';
import { installLoopBlocker } from './loop-blocker.js';

/** How the daemon runs. */
export interface DaemonOptions {
  home: string;
  /** The bundled CLI, for `$DISPATCH_BIN`. */
  bin: string;
  version: string;
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
export async function runDaemon(options: DaemonOptions): Promise<boolean> {
  const { home } = options;
  const log = (line: string) => void appendFile(daemonFiles(home).log, `${new Date().toISOString()} ${line}\n`).catch(() => undefined);
  const onError = (err: unknown) => log(`error: ${(err as Error)?.stack ?? String(err)}`);
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const release = await acquireDaemonLock(home, (err) => {
    log(`lock lost: ${err.message}`);
    stop();
  });
  if (!release) return false;
  // `run` nudges the daemon (SIGUSR2) after registering a task, so it starts at once; the slow
  // rescan is the safety net for a nudge that was lost. Listening before daemon.json names this
  // process: a nudge must never find it deaf (SIGUSR2's default is to terminate).
  const workspaces = new Map<string, WorkspaceHost>();
  const hosted = new Set<string>();
  const sync = async () => {
    for (const r of await listRegistrations(home, (key, id) => hosted.has(`${key}/${id}`))) {
      let ws = workspaces.get(r.dispatchDir);
      if (!ws) workspaces.set(r.dispatchDir, (ws = new WorkspaceHost(home, r.dispatchDir, options.bin, onError)));
      await ws.add(r);
      hosted.add(`${workspaceKey(r.dispatchDir)}/${r.id}`);
      crashPoint('during-startup-scan');
      await ws.watch();
    }
  };
  let syncing = Promise.resolve();
  const resync = () => (syncing = syncing.then(sync).catch(onError));
  process.on('SIGUSR2', resync);
  const uninstallBlocker = installLoopBlocker(daemonFiles(home).log);
  await writeDaemonInfo(home, options.version);
  log(`started (pid ${process.pid}, version ${options.version})`);

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
    const text = `${JSON.stringify({ v: 1, pid: process.pid, workspaces: [...workspaces.values()].map((w) => w.health()) })}\n`;
    if (text === health) return;
    await writeFileAtomic(daemonFiles(home).health, text, { mode: 0o600 });
    health = text;
  };
  let tempsCheckedAt = 0;
  let tempsLeft = false;
  const tick = setInterval(() => {
    void (async () => {
      ticks += 1;
      if (ticks % 10 === 0) await resync();
      await reportHealth();
      if (ticks % 20 === 0) for (const ws of workspaces.values()) await ws.maintain();
      if (ticks % stallCheckTicks === 0) for (const ws of workspaces.values()) await ws.checkStalls(stallMs);
      const busy = (await Promise.all([...workspaces.values()].map((w) => w.busy()))).some(Boolean);
      if (busy) idleSince = Date.now();
      else if (Date.now() - idleSince > idleMs) {
        // A killed writer's temp file would outlive an exited daemon: stay until it can be removed.
        if (Date.now() - tempsCheckedAt >= 10_000) {
          tempsCheckedAt = Date.now();
          tempsLeft = false;
          for (const ws of workspaces.values()) if (await ws.cleanTemps()) tempsLeft = true;
        }
        if (!tempsLeft) stop();
      }
    })().catch(onError);
  }, 500);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop());

  await stopped;
  clearInterval(tick);
  process.off('SIGUSR2', resync);
  uninstallBlocker();
  for (const ws of workspaces.values()) await ws.close().catch(onError);
  log('stopped');
  await release().catch(() => undefined);
  return true;
}
