import { existsSync } from 'node:fs';
import {
  assertTaskId,
  type DerivedTask,
  deriveTaskState,
  IpcError,
  isRegistered,
  taskPaths,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import { usageError } from '../errors.js';
import { readerOptions } from './task-list.js';
import type { Caller } from '../caller.js';
import { workspaceOf } from '../workspace.js';

/** A task the user named: its validated id, workspace, files, and whether dispatch runs it. */
export interface TaskRef {
  id: string;
  home: string;
  dispatchDir: string;
  paths: TaskPaths;
  registered: boolean;
}

/**
 * Finds task `rawId` of the current workspace without writing anything: an invalid id is
 * `invalid-task-id`, a missing folder or task.json `no-such-task` (both exit 2).
 */
export async function findTask(caller: Caller, rawId: string): Promise<TaskRef> {
  const id = assertTaskId(rawId);
  const { home, dispatchDir } = workspaceOf(caller);
  const paths = taskPaths(dispatchDir, id);
  if (!existsSync(paths.taskJson))
    throw new IpcError('no-such-task', `no task ${id} in ${dispatchDir} (dispatch status lists the tasks)`);
  return { id, home, dispatchDir, paths, registered: await isRegistered(home, dispatchDir, id) };
}

/**
 * Finds a task the daemon runs and derives its state: a folder copied in from elsewhere
 * (never registered by `run`) is refused, since no request of it would ever be applied.
 */
export async function loadHostedTask(caller: Caller, rawId: string): Promise<{ ref: TaskRef; derived: DerivedTask }> {
  const ref = await findTask(caller, rawId);
  if (!ref.registered) {
    throw usageError(
      `task ${ref.id} was not created by dispatch run here (not registered), so dispatch does not run it`,
      'invalid-input',
    );
  }
  return { ref, derived: await deriveTaskState(ref.dispatchDir, ref.id, readerOptions) };
}
