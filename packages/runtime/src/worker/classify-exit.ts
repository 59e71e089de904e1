import { classifyWorkerExit } from '@dispatch/backends';
import {
  type DeriveOptions,
  engineEndCause,
  type ExitClassifier,
  readAttemptClaim,
  readEngineView,
  readAttemptLogTail,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import type { TaskError } from '@dispatch/core';
import { jobEnded } from '../executors/slurm/job-states.js';

// Backends with no CLI name of their own: an alias's inline command, the simulated worker.
const GENERIC: Record<string, string> = { command: 'worker', sim: 'sim worker' };

/**
 * Why attempt N's worker failed, from its exit record, the tail of its output in worker.log and
 * the backend its claim names (so the message says which CLI and how to fix it).
 * @example deriveTaskState(dispatchDir, id, { classify: classifyExit })
 */
export const classifyExit: ExitClassifier = async (record, paths, attempt) => {
  // A job's worker killed by a signal was most likely killed by its engine: say what the engine did.
  if (record.signal !== null) {
    const view = await readEngineView(paths.attempts, attempt).catch(() => null);
    if (view && jobEnded(view.state) && view.state !== 'COMPLETED') return engineEndCause(view, record.signal);
  }
  const { output, cli } = await attemptOutput(paths, attempt);
  const at = new Date(record.at);
  return classifyWorkerExit({
    code: record.code,
    signal: record.signal,
    output,
    ...(cli && { cli }),
    ...(!Number.isNaN(at.getTime()) && { at }),
  });
};

/**
 * What attempt N's worker, still running when dispatch stops it (the wall-clock limit, a stall),
 * shows in its output that it is stuck on — codex retries an unreachable API forever, printing
 * "Reconnecting... waiting for network" — or null when its output names no known cause.
 */
export async function classifyStuckWorker(
  paths: TaskPaths,
  attempt: number,
  now = new Date(),
): Promise<TaskError | null> {
  const { output, cli } = await attemptOutput(paths, attempt);
  const found = classifyWorkerExit({ code: null, signal: null, output, ...(cli && { cli }), at: now });
  return found && found.kind !== 'crash' ? found : null;
}

/** Attempt N's output tail and the name of the CLI its claim names. */
async function attemptOutput(paths: TaskPaths, attempt: number): Promise<{ output: string; cli: string | undefined }> {
  const claim = await readAttemptClaim(paths.attempts, attempt).catch(() => null);
  const output = await readAttemptLogTail(paths, attempt);
  const backend = claim?.backend;
  return { output, cli: backend ? (GENERIC[backend] ?? backend) : undefined };
}

/** The classifiers `deriveTaskState` takes, for every caller in the CLI and the daemon. */
export const classifiers: Pick<DeriveOptions, 'classify' | 'classifyStuck'> = {
  classify: classifyExit,
  classifyStuck: (paths, attempt) => classifyStuckWorker(paths, attempt),
};
