import { type DerivedTask, readEngineView, readJobRecord } from '@dispatch/ipc-fs';

/** Where a task's current attempt runs, for one on a cluster engine (`status --json`'s `executor`). */
export interface ExecutorStatus {
  /** The executor's name in the config (`hpc`) and its kind (`slurm`). */
  name: string;
  kind: string;
  /** The engine's job id, once submitted. */
  job: string | null;
  /** The engine's state as the daemon last saw it (`PENDING`, `RUNNING`, `CANCELLED`...). */
  state: string | null;
  /** Why it is in that state, when the engine says (`Resources`, `JobHeldUser`). */
  reason: string | null;
  /** The node it runs or ran on. */
  node: string | null;
}

/** The executor of the task's current attempt, or null for a local one (or none started yet). */
export async function executorStatus(task: DerivedTask): Promise<ExecutorStatus | null> {
  const attempt = task.context.attempt;
  if (attempt === 0) return null;
  const claimed = task.claim?.executor;
  if (claimed === undefined) return null;
  const [job, view] = await Promise.all([
    readJobRecord(task.paths.attempts, attempt).catch(() => null),
    readEngineView(task.paths.attempts, attempt).catch(() => null),
  ]);
  return {
    name: claimed.name,
    kind: claimed.kind,
    job: view?.job ?? job?.job ?? null,
    state: view?.state ?? null,
    reason: view?.reason ?? null,
    node: view?.node ?? null,
  };
}

/** One line for people: `slurm job 1234 on node07 RUNNING`, `slurm job 1235 PENDING (Resources)`. */
export function describeExecutor(e: ExecutorStatus): string {
  const job = e.job === null ? `${e.kind} (${e.name}): not submitted yet` : `${e.kind} job ${e.job}`;
  const node = e.node && e.state !== 'PENDING' ? ` on ${e.node}` : '';
  const state = e.state ? ` ${e.state}` : '';
  const reason = e.reason ? ` (${e.reason})` : '';
  return `${job}${node}${state}${reason}`;
}
