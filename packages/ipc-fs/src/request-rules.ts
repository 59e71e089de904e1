import { accepts, isFinalState, stateOf, type TaskSnapshot } from '@dispatch/core';
import type { TaskRequest } from './requests.js';

/**
 * Why a request does not apply to a task (one line for the user), or null when it does: the
 * machine says, by whether the task accepts the request's event. The CLI and the inspector
 * both check with it before writing the request file; the daemon's machine would ignore it anyway.
 * @example refusalOf('retry', 'api-tests', derived.snapshot) // 'task api-tests has not failed (it is running): ...'
 */
export function refusalOf(type: TaskRequest['type'], id: string, snapshot: TaskSnapshot): string | null {
  const state = stateOf(snapshot);
  const at = snapshot.context.updatedAt;
  switch (type) {
    case 'cancel':
      return accepts(snapshot, { type: 'cancel', at }) ? null : `task ${id} is already ${state}`;
    case 'note': // not a machine event: a note is for a worker, and a finished task has none to come
      return isFinalState(state) ? `task ${id} is ${state}: no worker would read the note` : null;
    case 'continue':
      return accepts(snapshot, { type: 'continue', model: null, at })
        ? null
        : `task ${id} is not blocked (it is ${state}): continue applies to a blocked task, or one waiting for its quota`;
    case 'retry':
      return accepts(snapshot, { type: 'retry', model: null, at })
        ? null
        : `task ${id} has not failed (it is ${state}): retry applies to a failed task, or one waiting for its quota`;
  }
}
