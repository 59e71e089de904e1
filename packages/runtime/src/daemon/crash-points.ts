/**
 * Named points where a test can make the process die as `kill -9` would
 * (`DISPATCH_CRASH_AT=<label>`), to prove that nothing is lost whatever instruction a crash
 * interrupts. Outside tests the variable is unset and every point is a no-op.
 */
export type CrashPoint =
  | 'after-question-seen'
  | 'mid-log-append'
  | 'after-attempt-claim'
  | 'after-spawn-before-pid'
  | 'during-cancel'
  | 'during-startup-scan'
  | 'before-answer-published';

/** The points only an attempt on a cluster engine passes (the Slurm tests visit them). */
export type EngineCrashPoint = 'after-submit-before-job-record';

export const ENGINE_CRASH_POINTS: readonly EngineCrashPoint[] = ['after-submit-before-job-record'];

/** Every crash point a local task passes, for tests that visit them all. */
export const CRASH_POINTS: readonly CrashPoint[] = [
  'after-question-seen',
  'mid-log-append',
  'after-attempt-claim',
  'after-spawn-before-pid',
  'during-cancel',
  'during-startup-scan',
  'before-answer-published',
];

/** Dies here, at once and without cleanup, when this is the point the test asked for. */
export function crashPoint(label: CrashPoint | EngineCrashPoint): void {
  if (process.env.DISPATCH_CRASH_AT === label) process.kill(process.pid, 'SIGKILL');
}
