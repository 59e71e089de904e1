import { type DerivedTask, type TaskView, toTaskView } from '@dispatch/ipc-fs';
import { type ExecutorStatus, executorStatus } from '../tasks/executor-status.js';
import { workerReport, type WorkerReport } from '../tasks/worker-output.js';

/**
 * One task as `status --json` prints it: its view plus what its worker reported (tokens, cost,
 * current action) and, for an attempt on a cluster engine, its job (null for a local one).
 */
export type TaskStatus = TaskView & {
  usage: WorkerReport['usage'];
  activity: string | null;
  executor: ExecutorStatus | null;
};

/** `status --json`'s objects for these tasks, in order. */
export async function statusOf(tasks: readonly DerivedTask[]): Promise<TaskStatus[]> {
  const [reports, executors] = await Promise.all([
    Promise.all(tasks.map((t) => workerReport(t).catch(() => null))),
    Promise.all(tasks.map((t) => executorStatus(t).catch(() => null))),
  ]);
  return tasks.map((t, i) => ({
    ...toTaskView(t),
    usage: reports[i]?.usage ?? null,
    activity: reports[i]?.activity ?? null,
    executor: executors[i] ?? null,
  }));
}
