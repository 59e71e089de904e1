// @dispatch/runtime: the task host other apps embed. The embedding API first; then what the
// CLI and the inspector build their views from. The daemon itself is `./daemon` (loaded only
// by the process that becomes one) and the change watcher `./watch` (only by commands that watch).

// The embedding API (DESIGN.md, "Embedding").
export { openDispatch } from './api/open-dispatch.js';
export type { Dispatch, OpenOptions } from './api/open-dispatch.js';
export type { RunInput, RunResult, CreatedTask } from './api/run-task.js';
export type { TaskStatus } from './api/task-status.js';
export type { AnswerResult } from './api/answer.js';
export type { RequestResult } from './api/requests.js';
export type { TaskResult } from './api/result.js';
export type { Condition, ConditionType } from './tasks/conditions.js';
export { DispatchError, ExitCode, usageError, toDispatchError, isInputErrorCode } from './errors.js';
export type { DispatchErrorCode, ExitCodeValue } from './errors.js';

// The same operations for a caller of its own (the CLI passes its environment, directory and binary).
export type { Caller } from './caller.js';
export { createTask } from './api/run-task.js';
export { statusOf } from './api/task-status.js';
export { describeExecutor, executorStatus, type ExecutorStatus } from './tasks/executor-status.js';
export { answerTask } from './api/answer.js';
export { cancelTask, continueTask, noteTask, retryTask } from './api/requests.js';
export { taskResult } from './api/result.js';
export { conditionsNow } from './api/conditions-now.js';
export type { ConditionScope, HeldCondition } from './api/conditions-now.js';
export { askAsWorker } from './worker/ask.js';
export type { AskInput, AskOutput } from './worker/ask.js';
export { VERSION, BUILD_ID } from './version.js';

// Workspaces, tasks and the daemon as seen from outside it.
export { workspaceOf, ensureDaemonFor, runtimeBin } from './workspace.js';
export type { Workspace } from './workspace.js';
export { findTask, loadHostedTask } from './tasks/find-task.js';
export type { TaskRef } from './tasks/find-task.js';
export { deriveTask, deriveTasks, ensureDaemonIfUnfinished, isFinal } from './tasks/task-list.js';
export { untilInterrupted, waitFor } from './tasks/wait-for.js';
export type { WaitForOptions } from './tasks/wait-for.js';
export { deriveTaskId, taskTitle } from './tasks/task-naming.js';
export { CONDITION_TYPES, blockerOf, conditionOf, describeCondition } from './tasks/conditions.js';
export { failureReport, recoveryLine } from './tasks/failure-report.js';
export { attemptsOf } from './tasks/attempt-history.js';
export type { AttemptFacts } from './tasks/attempt-history.js';
export { NEEDS_YOU_GLYPHS, needsYouOf, needsYouOfView, quotaWaitText } from './tasks/needs-you.js';
export type { NeedsYou, NeedsYouFacts, NeedsYouKind } from './tasks/needs-you.js';
export { livenessOf, waitingDependents } from './tasks/liveness.js';
export { describeUsage, workerReport } from './tasks/worker-output.js';
export type { WorkerReport } from './tasks/worker-output.js';
export { classifiers, classifyExit } from './worker/classify-exit.js';
export { runningDaemon } from './daemon/daemon-info.js';
export { CRASH_POINTS, ENGINE_CRASH_POINTS, crashPoint } from './daemon/crash-points.js';
export type { CrashPoint, EngineCrashPoint } from './daemon/crash-points.js';

// Config as the runtime reads it (with the parse cache), models that can run, quota cooldowns.
export { loadUserConfig, userConfig } from './config/user-config.js';
export { adoptCallerEnv } from './config/stored-env.js';
export {
  alternativeModels,
  alternativesFor,
  alternativesIn,
  type AlternativesLookup,
} from './config/alternatives.js';
export { checkModelOption } from './config/model-option.js';
export { backendCli, backendMissing, cannotRun, everyBackendRunsHere, type RunsHere } from './config/model-cli.js';
export { runsHereFor } from './config/task-executor.js';
export { checkSlurm, type SlurmCheck } from './executors/slurm/cluster-check.js';

// Worktrees.
export { excludeFromGit } from './worktree/git-exclude.js';
export { gitStatus } from './worktree/git.js';
export { createTaskWorktree, dispatchWorktree } from './worktree/task-worktree.js';
export {
  discardWorktree,
  gitTerminalDiff,
  type MergeOutcome,
  mergeWorktree,
  worktreeDiff,
} from './worktree/worktree-actions.js';
export { describeUnsavedWork, type UnsavedWork, unsavedWork } from './worktree/unsaved-work.js';
export { removeTaskWithWorktree, type WorktreeKeep, worktreeKeepOf } from './worktree/worktree-task-removal.js';

// Hosting one task outside the daemon (tests, other hosts).
export { TaskHost } from './host/task-host.js';
export type { TaskHostOptions } from './host/task-host.js';
export { jobNameOf as slurmJobName } from './executors/slurm/slurm-executor.js';
