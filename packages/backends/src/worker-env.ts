/** The variables every worker gets (the worker contract). */
export interface WorkerEnvInput {
  taskId: string;
  taskDir: string;
  ipcDir: string;
  planPath: string;
  dispatchDir: string;
  answerTimeoutSeconds: number;
  /** How to run this CLI (e.g. `/usr/bin/node /path/dispatch.js`), for `$DISPATCH_BIN ask`. */
  bin: string;
}

/** `base` (the environment of the `run` that created the task) plus the `DISPATCH_*` variables. */
export function workerEnv(base: NodeJS.ProcessEnv, input: WorkerEnvInput): NodeJS.ProcessEnv {
  return {
    ...base,
    DISPATCH_TASK_ID: input.taskId,
    DISPATCH_TASK_DIR: input.taskDir,
    DISPATCH_IPC_DIR: input.ipcDir,
    DISPATCH_PLAN: input.planPath,
    DISPATCH_DIR: input.dispatchDir,
    DISPATCH_ANSWER_TIMEOUT: String(input.answerTimeoutSeconds),
    DISPATCH_BIN: input.bin,
  };
}
