export { BackendError } from './errors.js';
export { CLI_INSTALL } from './cli-install.js';
export type { BackendErrorCode } from './errors.js';
export { MODEL_ID_PATTERN, assertModelId } from './model-id.js';
export { shellQuote } from './shell.js';
export { buildWorkerCommand } from './worker-command.js';
export type { WorkerCommand, WorkerCommandParts } from './worker-command.js';
export { workerPrompt } from './worker-prompt.js';
export type { WorkerPromptInput } from './worker-prompt.js';
export { allowedEnv, ALLOWED_ENV_NAMES, ALLOWED_ENV_PREFIXES, NOTIFY_ENV_NAMES, workerEnv } from './worker-env.js';
export type { WorkerEnvInput } from './worker-env.js';
export { WRAPPER_SCRIPT } from './wrapper.js';
export { launchWorker, signalWorker } from './launch.js';
export type { LaunchOptions } from './launch.js';
export { processStartTime, isSameProcess, orphanedGroupMembers } from './process-identity.js';
export { simWorkerPath, simWorkerCommand } from './sim-worker.js';
export { capWorkerLog, WORKER_LOG_MAX_BYTES } from './worker-log.js';
export { classifyWorkerExit } from './classify/classify-worker-exit.js';
export type { WorkerExit, WorkerFailure, QuotaReset } from './classify/types.js';
export { findQuotaReset } from './classify/reset-time.js';
export { parseWorkerLine, type WorkerEvent } from './structured/worker-events.js';
export {
  summarizeWorkerOutput,
  describeEvent,
  findSessionId,
  type WorkerSummary,
} from './structured/worker-summary.js';
export { structuredOutputArgs } from './structured/output-args.js';
export { sessionResumeFor, sessionResumeArgs, type SessionResume } from './structured/session-resume.js';
export { STRUCTURED_BACKENDS } from './structured/output-args.js';
export { sessionGone } from './structured/session-resume.js';
export { provenWorker, type SignalTarget } from './worker-group.js';
export { resolveCommand, describeMissing, type CommandResolution } from './resolve-command.js';
export { searchedPathNote } from './classify/searched-path.js';
