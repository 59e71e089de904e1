/**
 * Slurm's job states (squeue `%T`), by what they mean for an attempt. Jobs are submitted with
 * `--no-requeue`, so a state that ends one never comes back to PENDING under the same attempt.
 */
const ENDED = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'PREEMPTED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'REVOKED',
  'SPECIAL_EXIT',
]);

/** Whether a job in `state` has ended (its processes are gone or going). */
export function jobEnded(state: string): boolean {
  return ENDED.has(state);
}

/** Whether a job in `state` waits for a node (PENDING, or held: `scontrol hold` keeps it PENDING). */
export function jobWaiting(state: string): boolean {
  return state === 'PENDING' || state === 'REQUEUE_HOLD' || state === 'CONFIGURING';
}

/** The ends after which the daemon tries once more on its own: nothing the worker did caused them. */
export const ENGINE_CURED = new Set(['PREEMPTED', 'NODE_FAIL', 'BOOT_FAIL']);
