import { dirname } from 'node:path';
import { readPidRecord, readWrapperRecord, type PidRecord } from '@dispatch/ipc-fs';
import {
  childrenOf,
  hasEnvEntry,
  isSameProcess,
  orphanedGroupMembers,
  processArgs,
  processFacts,
} from './process-identity.js';

/** Whom a signal for an attempt goes to: a process group (`-pid`), or one process still joining its own. */
export interface SignalTarget {
  pid: number;
  group: boolean;
}

/**
 * The worker of attempt `n` as dispatch can prove it, or null. A pid file alone proves nothing:
 * anyone who can write the task folder can name any process in it (even `1`, which would make a
 * group signal `kill(-1)`). On Linux the proof is one of:
 *  - the child of the attempt's wrapper — the wrapper recorded by the launcher, alive with its
 *    recorded start time and running this attempt's wrapper script for this folder;
 *  - once the wrapper is gone: the recorded process, alive with its start time, leading its own
 *    group and carrying this task's `DISPATCH_TASK_DIR` in its environment; or, once it too is
 *    gone, the members its group left behind (see `orphanedGroupMembers`).
 * Never a pid ≤ 1, never this process. Without /proc (macOS) the pid record with its start time
 * is all there is, still never pid ≤ 1.
 */
export async function provenWorker(attemptsDir: string, n: number): Promise<SignalTarget | null> {
  const [record, wrapper] = await Promise.all([readPidRecord(attemptsDir, n), readWrapperRecord(attemptsDir, n)]);
  const usable = (pid: number) => pid > 1 && pid !== process.pid;
  if (process.platform !== 'linux') {
    return record && usable(record.pid) && isSameProcess(record.pid, record.startTime)
      ? { pid: record.pid, group: true }
      : null;
  }
  if (wrapper && isAttemptWrapper(wrapper, attemptsDir, n)) {
    const wrapperGroup = processFacts(wrapper.pid)?.pgrp;
    const children = childrenOf(wrapper.pid).filter(usable);
    // The recorded worker, if the wrapper is its parent: before its `setsid` it is still in the
    // wrapper's group and is signalled alone.
    if (record && children.includes(record.pid) && isSameProcess(record.pid, record.startTime)) {
      return { pid: record.pid, group: processFacts(record.pid)?.pgrp === record.pid };
    }
    // A record that names another process is not believed: the wrapper's child leading a group
    // of its own is the worker (its other children are the short-lived tools it runs).
    const leader = children.find((pid) => {
      const facts = processFacts(pid);
      return facts !== null && facts.pgrp === pid && facts.pgrp !== wrapperGroup;
    });
    if (leader !== undefined) return { pid: leader, group: true };
  }
  if (!record || !usable(record.pid)) return null;
  const taskDir = dirname(attemptsDir);
  if (isSameProcess(record.pid, record.startTime)) {
    const leads = processFacts(record.pid)?.pgrp === record.pid;
    return leads && hasEnvEntry(record.pid, `DISPATCH_TASK_DIR=${taskDir}`) ? { pid: record.pid, group: true } : null;
  }
  // The group outlives its leader only while it has members, so its id cannot have been reused.
  return orphanedGroupMembers(record, taskDir).length > 0 ? { pid: record.pid, group: true } : null;
}

/** Whether the recorded wrapper still runs, as this attempt's wrapper (its argv names the folder and attempt). */
function isAttemptWrapper(wrapper: PidRecord, attemptsDir: string, n: number): boolean {
  if (wrapper.pid <= 1 || !isSameProcess(wrapper.pid, wrapper.startTime)) return false;
  const args = processArgs(wrapper.pid) ?? [];
  return args[3] === 'dispatch-wrapper' && args[4] === attemptsDir && args[5] === String(n);
}
