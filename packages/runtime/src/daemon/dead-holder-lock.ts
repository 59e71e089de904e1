import { randomBytes } from 'node:crypto';
import { renameSync, rmdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { isSameProcess } from '@dispatch/backends';
import { daemonFiles, readDaemonInfo } from '@dispatch/ipc-fs';

/** The identity of the folder at `path` (inode and birth time), or null when it is gone or the filesystem keeps no birth time. */
function folderIdentity(path: string): string | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  // An inode is reused at once by the next folder made; the birth time tells them apart.
  return stats?.isDirectory() && stats.birthtimeMs > 0 ? `${stats.ino}:${stats.birthtimeMs}` : null;
}

/** The identity of `home`'s daemon lock as it is now (see folderIdentity). */
export function lockIdentity(home: string): string | null {
  return folderIdentity(daemonFiles(home).lock);
}

/**
 * Removes the daemon lock of `home` when `daemon.json` names its holder — by that very lock's
 * identity — as a process of this machine that is gone (its pid and start time no longer
 * match): a daemon killed with -9 leaves its lock, which otherwise blocks the next one until it
 * goes stale (3 s after the holder's last refresh). True when it removed it. The lock is renamed
 * aside before it is removed, and put back if, meanwhile, it had become another newcomer's.
 */
export async function takeDeadHoldersLock(home: string): Promise<boolean> {
  const holder = await readDaemonInfo(home);
  if (!holder?.lock || holder.host !== hostname() || isSameProcess(holder.pid, holder.startTime)) return false;
  const lock = daemonFiles(home).lock;
  if (folderIdentity(lock) !== holder.lock) return false; // a newer lock (a daemon starting), or none
  const aside = `${lock}.dead-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch {
    return false; // another newcomer moved it first
  }
  if (folderIdentity(aside) === holder.lock) {
    rmdirSync(aside);
    return true;
  }
  // Between the look and the rename the dead holder's lock was replaced by a live one: restore it.
  try {
    renameSync(aside, lock);
  } catch {
    rmdirSync(aside); // a third lock came meanwhile: the one moved aside finds it lost and stops
  }
  return false;
}
