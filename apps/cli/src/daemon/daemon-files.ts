import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSameProcess, processStartTime } from '@dispatch/backends/process-identity';
import { writeFileAtomic } from '@dispatch/ipc-fs/atomic-write';

/** What a running daemon says about itself, in `$DISPATCH_HOME/daemon.json`. */
export interface DaemonInfo {
  pid: number;
  startTime: string;
  version: string;
  startedAt: string;
}

/** The daemon's files under `$DISPATCH_HOME`. */
export function daemonFiles(home: string) {
  return { info: join(home, 'daemon.json'), lock: join(home, 'daemon.lock'), log: join(home, 'daemon.log') };
}

/** Records this process as the daemon. */
export async function writeDaemonInfo(home: string, version: string): Promise<DaemonInfo> {
  const info = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', version, startedAt: new Date().toISOString() };
  await writeFileAtomic(daemonFiles(home).info, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  return info;
}

/** The daemon that runs now, or null (none ever, or the recorded one is gone). */
export async function runningDaemon(home: string): Promise<DaemonInfo | null> {
  try {
    const info = JSON.parse(await readFile(daemonFiles(home).info, 'utf8')) as DaemonInfo;
    return isSameProcess(info.pid, info.startTime) ? info : null;
  } catch {
    return null;
  }
}
