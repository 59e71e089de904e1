// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { publishExclusive } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import type { FsCalls } from './fs-calls.js';
import type { TaskPaths } from './paths.js';
import { FILE_LIMITS, readDataFileSync } from './safe-read.js';

/** `task.json`: what was asked, written once by `run` and never changed. */
export interface TaskFile {
  id: string;
  title: string;
  prompt: string;
  model: string;
  backend: string;
  /** Answer timeout (seconds) and the other options `run` was given. */
  options: {
    answerTimeout?: number;
    timeLimit?: number | null;
    /** US dollars one worker run may spend (claude's --max-budget-usd). */
    budgetUsd?: number;
    /**
     * `run --on-limit`: `pause` (a quota waits for its reset, a budget or time limit blocks) or
     * `fail`. Absent in tasks written before limits paused: those fail, as they did.
     */
    onLimit?: 'pause' | 'fail';
    /** The config's `quota_cooldown` when the task was run (seconds), when it set one. */
    quotaCooldown?: number;
    worktree?: boolean;
    base?: string;
    after?: string[];
    /** `run --executor`: where its workers run (a name in the config's `executors`, or `local`). */
    executor?: string;
  };
  createdAt: string;
}

/** Writes `task.json` once; a second writer gets `IpcError('task-exists')`. */
export async function writeTaskFile(paths: TaskPaths, task: TaskFile, fs?: FsCalls): Promise<void> {
  try {
    await publishExclusive(paths.taskJson, `${JSON.stringify(task, null, 2)}\n`, fs && { fs });
  } catch (err) {
    if (err instanceof IpcError && err.code === 'already-exists') {
      throw new IpcError('task-exists', `task ${task.id} already exists (${paths.taskJson})`, {
        file: paths.taskJson,
        cause: err,
      });
    }
    throw err;
  }
}

/** Reads `task.json`; a missing one is `no-such-task`, a malformed one `malformed-task`. */
export async function readTaskFile(paths: TaskPaths): Promise<TaskFile> {
  let text: string;
  try {
    text = readDataFileSync(paths.taskJson, { limit: FILE_LIMITS.record });
  } catch (err) {
    if (isErrno(err, 'ENOENT'))
      throw new IpcError('no-such-task', `no task ${paths.id} (${paths.dir})`, { file: paths.taskJson });
    throw err;
  }
  let value: Partial<TaskFile>;
  try {
    value = JSON.parse(text) as Partial<TaskFile>;
  } catch (err) {
    throw new IpcError('malformed-task', `${paths.taskJson}: not valid JSON`, {
      file: paths.taskJson,
      line: 1,
      cause: err,
    });
  }
  for (const key of ['id', 'model', 'createdAt'] as const) {
    if (typeof value[key] !== 'string') {
      throw new IpcError('malformed-task', `${paths.taskJson}: "${key}" is missing or not a string`, {
        file: paths.taskJson,
      });
    }
  }
  // A task.json copied from another task must not pose as it.
  if (value.id !== paths.id) {
    throw new IpcError(
      'malformed-task',
      `${paths.taskJson}: its id ${JSON.stringify(value.id)} is not its folder's (${paths.id})`,
      {
        file: paths.taskJson,
      },
    );
  }
  if (Number.isNaN(Date.parse(value.createdAt as string))) {
    throw new IpcError('malformed-task', `${paths.taskJson}: "createdAt" is not a time`, { file: paths.taskJson });
  }
  return {
    title: value.id as string,
    prompt: '',
    backend: '',
    options: {},
    ...value,
  } as TaskFile;
}
