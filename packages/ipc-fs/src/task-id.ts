import { IpcError } from './errors.js';

/** The contract's task id: kebab-case, starting with a letter or digit, at most 64 characters. */
export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** True when `id` is a valid task id. */
export function isValidTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}

/**
 * Returns `id` when it is a valid task id, else throws `IpcError('invalid-task-id')`.
 * @example assertTaskId('security-review') // 'security-review'
 */
export function assertTaskId(id: string): string {
  if (!isValidTaskId(id)) {
    const shown = JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
    throw new IpcError(
      'invalid-task-id',
      `invalid task id ${shown}: use lowercase letters, digits and dashes (at most 64, e.g. security-review)`,
    );
  }
  return id;
}
