import { readFileSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';

/** What a running daemon says about itself, in `$DISPATCH_HOME/daemon.json`. */
export interface DaemonInfo {
  pid: number;
  startTime: string;
  version: string;
  /** The build of the code it runs (see BUILD_ID); absent in daemons of older builds. */
  buildId?: string;
  startedAt: string;
  /** The machine it runs on (`os.hostname()`): its pid means something only there. */
  host?: string;
  /** The identity of the lock it holds (the lock folder's inode and birth time), when the filesystem tells it. */
  lock?: string;
}

/** The daemon's files under `$DISPATCH_HOME`. */
export function daemonFiles(home: string) {
  return {
    info: join(home, 'daemon.json'),
    lock: join(home, 'daemon.lock'),
    log: join(home, 'daemon.log'),
    health: join(home, 'daemon-health.json'),
    queue: join(home, 'queue.json'),
  };
}

/** Records `info` as the daemon of `home` (mode 0600). */
export async function writeDaemonInfo(home: string, info: DaemonInfo): Promise<void> {
  await writeFileAtomic(daemonFiles(home).info, `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

/** Removes `daemon.json` if it names `pid`: that daemon is leaving. */
export async function removeDaemonInfo(home: string, pid: number): Promise<void> {
  const path = daemonFiles(home).info;
  const info = await readFile(path, 'utf8').then(
    (t) => JSON.parse(t) as DaemonInfo,
    () => null,
  );
  if (info?.pid === pid) await unlink(path).catch(() => undefined);
}

/**
 * What `daemon.json` says, or null (none, or unreadable); whether that process still runs is the
 * caller's to check. A sync read of a small file: `status` asks it, and loads no fs/promises.
 */
export async function readDaemonInfo(home: string): Promise<DaemonInfo | null> {
  try {
    return JSON.parse(readFileSync(daemonFiles(home).info, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

/** Writes what the daemon says of its workspaces (`daemon-health.json`, mode 0600). */
export async function writeWatchHealth(home: string, pid: number, workspaces: readonly WatchHealth[]): Promise<string> {
  const text = `${JSON.stringify({ v: 1, pid, workspaces })}\n`;
  await writeFileAtomic(daemonFiles(home).health, text, { mode: 0o600 });
  return text;
}

/** Writes why each queued task waits (`queue.json`, mode 0600). */
export async function writeQueue(home: string, waiting: readonly QueueEntry[]): Promise<void> {
  await writeFileAtomic(daemonFiles(home).queue, `${JSON.stringify({ v: 1, waiting })}\n`, { mode: 0o600 });
}

/** How the daemon follows one workspace: by its watcher, or (degraded) by periodic scans alone. */
export interface WatchHealth {
  dispatchDir: string;
  watching: boolean;
  /** The watcher failed (e.g. out of inotify watches): changes are seen by the scans, every few seconds. */
  degraded: boolean;
  /** Facts found first by the watcher and first by a scan: many by scans while watching means lost events. */
  facts?: { fromWatcher: number; fromScan: number };
  /** How many of the workspace's registered tasks the daemon hosts (rebuilt from their files and followed). */
  tasks?: number;
}

/** What the daemon last said of its workspaces (`daemon-health.json`); [] when it said nothing. */
export async function readWatchHealth(home: string): Promise<WatchHealth[]> {
  try {
    const data = JSON.parse(await readFile(daemonFiles(home).health, 'utf8')) as { workspaces?: WatchHealth[] };
    return Array.isArray(data.workspaces) ? data.workspaces : [];
  } catch {
    return [];
  }
}

/** Why a queued task waits (a dependency, a worker slot and its place in line), as the daemon last said. */
export interface QueueEntry {
  dispatchDir: string;
  id: string;
  reason: string;
  place?: number;
}

/** The daemon's `queue.json`; [] when it said nothing. */
export async function readQueue(home: string): Promise<QueueEntry[]> {
  try {
    const data = JSON.parse(await readFile(daemonFiles(home).queue, 'utf8')) as { waiting?: QueueEntry[] };
    return Array.isArray(data.waiting) ? data.waiting : [];
  } catch {
    return [];
  }
}
