import { hostname } from 'node:os';
import { isSameProcess, processStartTime } from '@dispatch/backends';
import { readDaemonInfo, writeDaemonInfo, type DaemonInfo } from '@dispatch/ipc-fs';
import { lockIdentity } from './dead-holder-lock.js';
import { BUILD_ID, VERSION } from '../version.js';

/**
 * Records this process as the daemon of `home`: its pid and start time, version and build, and
 * the machine and lock it holds (so that the next daemon can tell that lock is a dead holder's).
 */
export async function announceDaemon(home: string): Promise<DaemonInfo> {
  const lock = lockIdentity(home);
  const info = {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? '',
    version: VERSION,
    buildId: BUILD_ID,
    startedAt: new Date().toISOString(),
    host: hostname(),
    ...(lock !== null && { lock }),
  };
  await writeDaemonInfo(home, info);
  return info;
}

/** The daemon that runs now, or null (none ever, or the recorded one is gone: a pid alone proves nothing). */
export async function runningDaemon(home: string): Promise<DaemonInfo | null> {
  const info = await readDaemonInfo(home);
  return info !== null && isSameProcess(info.pid, info.startTime) ? info : null;
}
