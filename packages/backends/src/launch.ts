import { spawn } from 'node:child_process';
import { BackendError } from './errors.js';
import type { WorkerCommand } from './worker-command.js';
import { WRAPPER_SCRIPT } from './wrapper.js';
import { provenWorker } from './worker-group.js';

/** Where and how to launch one worker attempt. */
export interface LaunchOptions {
  /** The task's `attempts/` folder: the wrapper writes `<n>.pid` and `<n>.exit` there. */
  attemptsDir: string;
  attempt: number;
  /** worker.log: the worker's stdout and stderr are appended to it. */
  logFile: string;
  command: WorkerCommand;
  /** The workspace (or its worktree). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts the wrapper of a worker attempt, detached in its own session with stdio closed, and
 * resolves once it runs (the caller must have claimed the attempt first). The wrapper outlives
 * this process; how the worker ended is learned from the attempt's exit record.
 * @example await launchWorker({ attemptsDir, attempt: 1, logFile, command, cwd, env })
 */
export function launchWorker(options: LaunchOptions): Promise<{ wrapperPid: number }> {
  const { attemptsDir, attempt, logFile, command } = options;
  const args = [
    '-c',
    WRAPPER_SCRIPT,
    'dispatch-wrapper',
    attemptsDir,
    String(attempt),
    logFile,
    command.script,
    ...command.args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', args, { cwd: options.cwd, env: options.env, detached: true, stdio: 'ignore' });
    child.once('error', (err) =>
      reject(new BackendError('spawn-failed', `cannot start the worker wrapper: ${err.message}`, { cause: err })),
    );
    child.once('spawn', () => {
      child.unref();
      resolve({ wrapperPid: child.pid ?? 0 });
    });
  });
}

/**
 * Sends `signal` to the whole process group of attempt `n`'s worker, if dispatch can prove which
 * group that is (see `provenWorker`: a forged pid record is never believed), while the worker
 * runs or, once it has ended, while processes it left in its group still run (a grandchild that
 * ignored the SIGTERM its parent died of: the SIGKILL that follows must still reach it). Returns
 * whether a signal was sent. The wrapper is outside the group and still writes the exit record.
 */
export async function signalWorker(
  attemptsDir: string,
  attempt: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<boolean> {
  const target = await provenWorker(attemptsDir, attempt);
  if (!target) return false;
  try {
    process.kill(target.group ? -target.pid : target.pid, signal);
    return true;
  } catch {
    return false;
  }
}
