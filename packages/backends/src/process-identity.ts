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
  if (!/^\d+$/.test(leader.startTime)) return [];
  const marker = `DISPATCH_TASK_DIR=${taskDir}\0`;
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
      if (`\0${readFileSync(`/proc/${name}/environ`, 'utf8')}`.includes(`\0${marker}`)) members.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return members;
}
