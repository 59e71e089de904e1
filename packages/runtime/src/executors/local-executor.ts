import { isSameProcess, launchWorker, processStartTime, signalWorker } from '@dispatch/backends';
import { LOCAL_EXECUTOR } from '@dispatch/config';
import { readPidRecord, readWrapperRecord, type TaskPaths, writeWrapperRecord } from '@dispatch/ipc-fs';
import { crashPoint } from '../daemon/crash-points.js';
import type { AttemptLaunch, Executor, Presence } from './executor.js';

const alive = (r: { pid: number; startTime: string } | null) =>
  r !== null && r.startTime !== '' && isSameProcess(r.pid, r.startTime);

/** Workers as processes of this machine: the wrapper detached in its own session (DESIGN.md's worker wrapper). */
export const localExecutor: Executor = {
  name: LOCAL_EXECUTOR,
  kind: 'local',
  presenceEveryMs: 0,
  recordsEveryMs: 20,

  async launch(run: AttemptLaunch): Promise<void> {
    const { wrapperPid } = await launchWorker({
      attemptsDir: run.paths.attempts,
      attempt: run.attempt,
      logFile: run.paths.workerLog,
      command: run.command,
      cwd: run.cwd,
      env: run.env,
    });
    crashPoint('after-spawn-before-pid');
    // Lets a later host tell "still starting" from "the wrapper died before writing anything".
    await writeWrapperRecord(run.paths.attempts, run.attempt, wrapperPid, processStartTime(wrapperPid) ?? '');
  },

  async presence(paths: TaskPaths, attempt: number): Promise<Presence> {
    const [pid, wrapper] = await Promise.all([
      readPidRecord(paths.attempts, attempt),
      readWrapperRecord(paths.attempts, attempt),
    ]);
    if (alive(pid) || alive(wrapper)) return { is: 'alive' };
    return pid === null && wrapper === null ? { is: 'none' } : { is: 'gone' };
  },

  async stop(paths: TaskPaths, attempt: number, graceMs: number): Promise<void> {
    if (!(await signalWorker(paths.attempts, attempt, 'SIGTERM'))) return;
    crashPoint('during-cancel');
    const timer = setTimeout(
      () => void signalWorker(paths.attempts, attempt, 'SIGKILL').catch(() => undefined),
      graceMs,
    );
    timer.unref();
  },
};
