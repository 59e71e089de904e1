import { readdirSync, readFileSync } from 'node:fs';

/**
 * The start time of process `pid` as the OS reports it, in the same form the worker wrapper
 * records (Linux: field 22 of /proc/<pid>/stat; elsewhere `ps -o lstart=` with spaces as `_`),
 * or null when no such process exists. Two processes with one pid never share a start time.
 */
export function processStartTime(pid: number): string | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ...rest] = fields.slice(fields.lastIndexOf(') ') + 2).split(' ');
    // A zombie has exited; only its parent's wait is missing.
    return state === 'Z' ? null : (rest[18] ?? null);
  } catch {
    if (process.platform === 'linux') return null;
  }
  return psStartTime(pid);
}

function psStartTime(pid: number): string | null {
  try {
    const out = process
      .getBuiltinModule('node:child_process')
      .execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' })
      .trim();
    return out === '' ? null : out.replace(/ +/g, '_');
  } catch {
    return null;
  }
}

/**
 * True when `pid` is alive and is still the process that was recorded with `startTime`. An
 * unknown start time proves nothing, so it is never taken for the same process.
 */
export function isSameProcess(pid: number, startTime: string): boolean {
  if (startTime === '') return false;
  // The wrapper falls back to `ps -o lstart=` when /proc could not be read: compare like with like.
  const now = /^\d+$/.test(startTime) ? processStartTime(pid) : psStartTime(pid);
  return now === startTime;
}

/**
 * Live members of the process group a worker led, once that leader is gone: processes whose group
 * is `leader.pid`, started no earlier than the leader, and carrying the worker's
 * `DISPATCH_TASK_DIR=taskDir` in their environment (so a group id reused by someone else after
 * ours emptied is never taken for ours). Linux only (/proc); elsewhere, none are found.
 */
export function orphanedGroupMembers(leader: { pid: number; startTime: string }, taskDir: string): number[] {
  if (leader.pid <= 1 || !/^\d+$/.test(leader.startTime)) return [];
  // One syscall says whether the group has anyone left (mostly not), before reading every process.
  if (!groupExists(leader.pid)) return [];
  const marker = `DISPATCH_TASK_DIR=${taskDir}`;
  const members: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp, ...rest] = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (state === 'Z' || Number(pgrp) !== leader.pid || Number(rest[16]) < Number(leader.startTime)) continue;
      if (hasEnvEntry(Number(name), marker)) members.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return members;
}

/** Whether process group `pgid` has any member (`kill -0 -pgid`): only "no such process" says no. */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** What /proc says of a live process: its parent, its process group and its start time. */
export interface ProcessFacts {
  ppid: number;
  pgrp: number;
  startTime: string;
}

/** The facts of live process `pid` (Linux /proc), or null when it is gone, a zombie, or unreadable. */
export function processFacts(pid: number): ProcessFacts | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgrp, ...rest] = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    if (state === 'Z' || rest[16] === undefined) return null;
    return { ppid: Number(ppid), pgrp: Number(pgrp), startTime: rest[16] };
  } catch {
    return null;
  }
}

/** Whether `pid`'s environment holds `NAME=value` exactly (false when it cannot be read: not ours). */
export function hasEnvEntry(pid: number, entry: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'utf8')}`.includes(`\0${entry}\0`);
  } catch {
    return false;
  }
}

/** The argv of `pid` as /proc records it, or null when it cannot be read. */
export function processArgs(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return null;
  }
}

/** Live children of `ppid` (Linux /proc scan). */
export function childrenOf(ppid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n) && processFacts(Number(n))?.ppid === ppid).map(Number);
}
