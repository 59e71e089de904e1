import { getTaskMachine } from './task-machine.js';

/**
 * The task machine, for apps that reuse it (`createActor(taskMachine.provide(...))`): the same
 * instance as `getTaskMachine()`, which dispatch's own modules call so that importing them builds
 * nothing (a command reading cached state never needs the machine).
 */
export const taskMachine = getTaskMachine();
export { getTaskMachine } from './task-machine.js';
export type { TaskMachine } from './task-machine.js';
export type { SpawnWorkerInput, ChooseModelInput, StopWorkerParams } from './task-setup.js';
export { replay, applyEvent, restoreSnapshot, stateOf } from './replay.js';
export type { TaskSnapshot, LogEvent } from './replay.js';
export { createDeadlineLogic, deadlineCallback } from './deadline.js';
export type { Clock, DeadlineCallback, DeadlineInput } from './deadline.js';
export { TASK_EVENT_TYPES, isTaskEventType, defaultExitKind } from './events.js';
export { isWellFormedEvent } from './event-shape.js';
export type { TaskEvent, TaskEventType, TaskEventOf, TaskCreatedEvent } from './events.js';
export { planComplete, samePlanFacts } from './guards.js';
export { initialContext } from './task-context.js';
export {
  TASK_STATES,
  FINAL_STATES,
  EMPTY_PLAN,
  DEFAULT_ANSWER_TIMEOUT_MS,
  DEFAULT_GRACE_MS,
  DEFAULT_QUOTA_COOLDOWN_MS,
  SETUP_FAILED_EXIT,
} from './types.js';
export type {
  TaskState,
  ErrorKind,
  TaskError,
  PlanFacts,
  PendingQuestion,
  TaskInput,
  TaskContext,
  Deadlines,
  StartReason,
  LimitPolicy,
  Waiting,
} from './types.js';
export { formatSeconds } from './limits.js';
export { toMermaid } from './mermaid.js';
export { dueDeadline, advanceTo, nextDeadline, type DeadlineFacts } from './advance.js';
export { logInspector } from './log-inspector.js';
export type { TaskLogHandlers } from './log-inspector.js';
export { accepts, hasTag, isFinalState, isLive, holdsSlot, hasWorker, needsUser, STATE_TAGS } from './state-tags.js';
export type { TaskTag } from './state-tags.js';
