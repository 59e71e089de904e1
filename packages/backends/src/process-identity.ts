import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
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
