import { type DerivedTask, type TaskView, toTaskView } from '@dispatch/ipc-fs';
import { workerReport, type WorkerReport } from '../tasks/worker-output.js';

/** One task as `status --json` prints it: its view plus what its worker reported (tokens, cost, current action). */
export type TaskStatus = TaskView & { usage: WorkerReport['usage']; activity: string | null };

/** `status --json`'s objects for these tasks, in order. */
export async function statusOf(tasks: readonly DerivedTask[]): Promise<TaskStatus[]> {
  const reports = await Promise.all(tasks.map((t) => workerReport(t).catch(() => null)));
  return tasks.map((t, i) => ({
    ...toTaskView(t),
    usage: reports[i]?.usage ?? null,
    activity: reports[i]?.activity ?? null,
  }));
}
