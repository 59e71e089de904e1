import { isFinalState, type TaskState } from '@dispatch/core';
import type { TaskRequest } from './requests.js';

/**
 * Why a request does not apply to a task in `state` (one line for the user), or null when it
 * does. The CLI and the inspector both check with it before writing the request file.
 * @example refusalOf('retry', 'api-tests', 'running') // 'task api-tests has not failed (it is running): ...'
 */
export function refusalOf(type: TaskRequest['type'], id: string, state: TaskState): string | null {
  switch (type) {
    case 'cancel':
      return isFinalState(state) ? `task ${id} is already ${state}` : null;
    case 'note':
      return isFinalState(state) ? `task ${id} is ${state}: no worker would read the note` : null;
    case 'continue':
      return state === 'blocked'
        ? null
        : `task ${id} is not blocked (it is ${state}): continue applies to a blocked task`;
    case 'retry':
      return state === 'failed' ? null : `task ${id} has not failed (it is ${state}): retry applies to a failed task`;
  }
}
