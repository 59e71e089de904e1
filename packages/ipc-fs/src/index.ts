export { IpcError, isErrno, diskWriteError } from './errors.js';
export type { IpcErrorCode } from './errors.js';
export { TASK_ID_PATTERN, isValidTaskId, assertTaskId } from './task-id.js';
export { taskPaths, tasksDir, findGitTop, findDispatchDir } from './paths.js';
export type { TaskPaths } from './paths.js';
export {
  writeFileAtomic,
  publishExclusive,
  cleanStaleTemps,
  findStaleTemps,
  fsyncDir,
  tempPathFor,
  isTempName,
} from './atomic-write.js';
export type { WriteOptions } from './atomic-write.js';
export { ASYNC_FS, SYNC_FS } from './fs-calls.js';
export type { FsCalls } from './fs-calls.js';
export {
  IPC_NAME,
  parseIpcFileName,
  ipcFileName,
  listIpc,
  nextQuestionSeq,
  readQuestion,
  readAnswer,
  writeQuestion,
  writeAnswer,
  writeAck,
  markWorkerDone,
  pendingQuestions,
} from './questions.js';
export type { IpcListing } from './questions.js';
export {
  claimAttempt,
  attemptFiles,
  readAttemptClaim,
  readExitRecord,
  readPidRecord,
  readWrapperRecord,
  recordLostWorker,
  listAttempts,
} from './attempts.js';
export type { AttemptClaim, EngineEnd, ExitRecord, PidRecord } from './attempts.js';
export { readEngineView, readJobRecord, writeEngineView, writeJobRecord } from './job-records.js';
export type { EngineView, JobRecord } from './job-records.js';
export { writeRequest, readRequests, removeRequest, parseRequest, isRequestName } from './requests.js';
export type { TaskRequest, PendingRequest } from './requests.js';
export { readEventLog, toMachineEvents, EventLogWriter, isKnownLogType, LOG_NOTE_TYPES } from './events-log.js';
export type { LoggedEvent, EventLogRead, NewLogEvent } from './events-log.js';
export { writeTaskFile, readTaskFile } from './task-file.js';
export type { TaskFile } from './task-file.js';
export { deriveTaskState } from './task-state.js';
export { DERIVED_CACHE_FILE } from './derived-cache.js';
export { readPlan } from './plan-file.js';
export { engineEndCause, eventFromFact, exitedEvent, readPlanFacts } from './fact-events.js';
export type { DerivedTask, ExitClassifier, DeriveOptions } from './task-state.js';
export { parsePlan } from './plan/parse.js';
export { serializePlan, renderPlan } from './plan/serialize.js';
export { summarizePlan, planProgress } from './plan/summary.js';
export type { Plan, PlanItem, PlanLine, PlanMark, PlanSummary } from './plan/types.js';
export { checkTaskFolderFree, createTaskFolder, listTaskIds } from './task-folder.js';
export { toTaskView } from './task-view.js';
export type { TaskView } from './task-view.js';
export { createFactSource, scanTasks } from './watch/index.js';
export type {
  FactSource,
  FactSourceOptions,
  FactSourceStats,
  Fact,
  FactType,
  IpcFact,
  PlanFact,
  ExitFact,
  RequestFact,
  TaskFact,
  WorkerDoneFact,
} from './watch/index.js';
export { appendNote, appendNotes } from './plan/edit.js';
export type { AppendNoteOptions, NoteRetryReason, NewNote } from './plan/edit.js';
export { createNoteKeeper } from './plan/keep-notes.js';
export type { KeptNote, NoteKeeper, NoteKeeperOptions } from './plan/keep-notes.js';
export { NOTE_PREFIX, assertNoteId, formatNote, withNote, countNote, noteIdsIn } from './plan/note.js';
export type { LineEnding, PlanLineKind } from './plan/types.js';
export { reconcileWorkspace, reconcileTask, cleanTaskTemps } from './reconcile.js';
export type { TaskReconciliation, ReconcileOptions } from './reconcile.js';
export { writeContext, readContext } from './context-file.js';
export { answerRefusal, answerTask, limitBlock } from './answer-task.js';
export { listFolder } from './folder-listing.js';
export type { ListingMemo } from './folder-listing.js';
export { refusalOf } from './request-rules.js';
export { markAttemptLogStart, readAttemptLogHead, readAttemptLogTail } from './attempt-log.js';
export { activeCooldowns, formatUntil, recordCooldown } from './home/cooldowns.js';
export {
  daemonFiles,
  readDaemonInfo,
  readQueue,
  readWatchHealth,
  removeDaemonInfo,
  writeDaemonInfo,
  writeQueue,
  writeWatchHealth,
} from './home/daemon-files.js';
export type { DaemonInfo, QueueEntry, WatchHealth } from './home/daemon-files.js';
export { inspectorStatePath, readInspectorState, writeInspectorState } from './home/inspector-state.js';
export type { InspectorState } from './home/inspector-state.js';
export {
  isRegistered,
  readRegistration,
  registrationPath,
  replaceRegistrationEnv,
  unregister,
} from './home/registration.js';
export { listRegistrations, registerTask, registryDir, workspaceKey } from './home/registry.js';
export type { Registration } from './home/registry.js';
export { readAttemptClaimSync, readAttemptSummary, writeAttemptSummary, writeWrapperRecord } from './attempts.js';
export { readTaskWorktree, removeTaskWorktree, writeTaskWorktree } from './worktree-record.js';
export { removeTask, sweepRemovedTasks } from './remove-task.js';
export type { TaskWorktree } from './worktree-record.js';
export { readTaskOutput } from './task-output.js';
export { checkFolder, checkTaskFolder, checkWorkspaceFolders } from './folder-trust.js';
export { FILE_LIMITS, isUnsafeFile, readDataFile, readDataFileSync } from './safe-read.js';
