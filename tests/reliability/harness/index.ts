// The reliability suite's harness: what every scenario file imports (see ../README.md).
export { assertFreshBuild, dispatchBin, repoRoot } from './built-cli.js';
export { createWorkspace } from './workspace.js';
export type { DaemonInfo, Workspace, WorkspaceOptions } from './workspace.js';
export { waitFor, sleep } from './wait-for.js';
export type { WaitOptions } from './wait-for.js';
export { answerPendingQuestions, startScriptedUser } from './scripted-user.js';
export type { GivenAnswer, ScriptedUser, ScriptedUserOptions } from './scripted-user.js';
export { checkInvariants, allFinal, InvariantViolation } from './check-invariants.js';
export type { CheckOptions, InvariantReport } from './check-invariants.js';
export { reportFigures, latencyFigures, percentile, startWallClock, figuresFile } from './figures.js';
export type { Figure } from './figures.js';
export {
  cpuSeconds,
  isAlive,
  leftoverGroupMembers,
  measureCpuPercent,
  memoryMiB,
  processGroupMembers,
} from './processes.js';
export { workerDouble, workerDoubleConfig } from './worker-doubles.js';
export type { WorkerDouble } from './worker-doubles.js';
export { inPool } from './pool.js';
export { watchHealth } from './daemon-health.js';
export type { WatchHealth } from './daemon-health.js';
export { describeSlurm, jobsNamed, slurmAttempts, slurmClusterAnswers } from './slurm.js';
export type { SlurmAttempt } from './slurm.js';
