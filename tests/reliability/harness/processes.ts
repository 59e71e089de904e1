import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './wait-for.js';

/** Fields of /proc/<pid>/stat after the command name (field 3, the state, comes first). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return null;
  }
}

/** True while `pid` is a live process (a zombie has already ended). */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] !== 'Z';
}

/** The live processes (zombies excluded) whose process group is `pgid`, as `kill -0 -pgid` would find them. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    // Field 5 (pgrp) is index 2 here; field 3 (state) index 0.
    if (fields && fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(name));
  }
  return members;
}

/**
 * The live processes left in the process group a worker recorded as `<pid> <start time>`. The
 * kernel never reuses a pid while a group of that id has members, so a live process with that
 * pid but another start time means the old group emptied and the pid now leads someone else's
 * group (another task's worker, another test's): nothing of ours is left then.
 */
export function leftoverGroupMembers(record: { pid: number; startTime: string }): number[] {
  const fields = statFields(record.pid);
  // Field 22 (start time) is index 19 here.
  if (fields && fields[0] !== 'Z' && fields[19] !== record.startTime) return [];
  return processGroupMembers(record.pid);
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds `pid` has used so far (user + system), or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15: indexes 11 and 12 here.
  return fields ? (Number(fields[11]) + Number(fields[12])) / clockTicks() : null;
}

/** The CPU `pid` used over the next `ms`, in percent of one core; null if it died meanwhile. */
export async function measureCpuPercent(pid: number, ms: number): Promise<number | null> {
  const before = cpuSeconds(pid);
  const start = performance.now();
  await sleep(ms);
  const after = cpuSeconds(pid);
  if (before === null || after === null) return null;
  return ((after - before) / ((performance.now() - start) / 1000)) * 100;
}

/** Resident memory of `pid` now and at its peak, in MiB (from /proc/<pid>/status), or null. */
export function memoryMiB(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}
