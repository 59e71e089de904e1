import type { TaskState } from '@dispatch/core';
import { readTaskOutput, type TaskView, toTaskView } from '@dispatch/ipc-fs';
import type { Caller } from '../caller.js';
import { deriveTask, ensureDaemonIfUnfinished } from '../tasks/task-list.js';
import { workerReport, type WorkerReport } from '../tasks/worker-output.js';
import { workspaceOf } from '../workspace.js';

/** What `result --json` prints: output.md (its path and text) if the worker wrote one, and the plan. */
export interface TaskResult {
  id: string;
  state: TaskState;
  progress: TaskView['progress'];
  output: string | null;
  text: string | null;
  items: TaskView['items'];
  error: TaskView['error'];
  usage: WorkerReport['usage'];
}

/** The task's outcome, with the view it came from (the CLI summarises the plan when there is no output.md). */
export async function taskResult(caller: Caller, id: string): Promise<{ result: TaskResult; view: TaskView }> {
  const derived = await deriveTask(workspaceOf(caller).dispatchDir, id);
  await ensureDaemonIfUnfinished(caller, [derived]);
  const view = toTaskView(derived);
  const path = derived.paths.output;
  const text = await readTaskOutput(derived.paths);
  const usage = (await workerReport(derived).catch(() => null))?.usage ?? null;
  const { state, progress, items, error } = view;
  return {
    result: { id: view.id, state, progress, output: text === null ? null : path, text, items, error, usage },
    view,
  };
}
