import { createActor, type SnapshotFrom } from 'xstate';
import { isTaskEventType, type TaskCreatedEvent, type TaskEvent } from './events.js';
import { getTaskMachine, type TaskMachine } from './task-machine.js';
import type { TaskState } from './types.js';

/** A snapshot of the task machine. */
export type TaskSnapshot = SnapshotFrom<TaskMachine>;

/** One entry of a task's history: its creation, a machine event, or something replay skips. */
export type LogEvent = TaskCreatedEvent | TaskEvent | { type: string; at: number };

type InertScope = Parameters<TaskMachine['transition']>[2];
const scopes = new WeakMap<TaskMachine, InertScope>();

/**
 * The scope a pure step runs in: nothing started, no action executed. xstate's own `transition()`
 * builds a new one for every event (an actor that computes an initial snapshot, and two systems),
 * which made folding 1,000 logs cost most of a second; one per machine does the same work. It
 * holds no per-task state: children of a step are never started, so nothing registers in it.
 */
function inertScope(machine: TaskMachine): InertScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine, { input: { id: 'inert-scope', model: 'none', createdAt: 0 } });
    scope = {
      self,
      system: self.system,
      id: '',
      sessionId: '',
      defer: () => undefined,
      logger: () => undefined,
      stopChild: () => undefined,
      emit: () => undefined,
      actionExecutor: () => undefined,
    } as InertScope;
    scopes.set(machine, scope);
  }
  return scope;
}

/**
 * Rebuilds a task's state from its event log, a pure fold through the machine: no actor is
 * started, no timer armed, no effect run. The first event must be `task.created`; event types the
 * machine does not know (state notes, newer versions' events) are skipped.
 * @example const snapshot = replay(readEvents(paths.events)); stateOf(snapshot) // 'running'
 */
export function replay(events: readonly LogEvent[], machine: TaskMachine = getTaskMachine()): TaskSnapshot {
  const first = events[0];
  if (!first || first.type !== 'task.created') {
    throw new TypeError('a task log starts with a task.created event');
  }
  let snapshot = machine.getInitialSnapshot(inertScope(machine), (first as TaskCreatedEvent).input);
  for (const event of events.slice(1)) snapshot = applyEvent(snapshot, event, machine);
  return snapshot;
}

/** One step of `replay`: the snapshot after `event` (unchanged for unknown types or final tasks). */
export function applyEvent(
  snapshot: TaskSnapshot,
  event: LogEvent,
  machine: TaskMachine = getTaskMachine(),
): TaskSnapshot {
  if (!isTaskEventType(event.type) || snapshot.status !== 'active') return snapshot;
  if (startedWithoutStart(snapshot, event as TaskEvent))
    snapshot = machine.transition(snapshot, { type: 'start', at: event.at }, inertScope(machine));
  return machine.transition(snapshot, event as TaskEvent, inertScope(machine));
}

/**
 * Logs written before continues and retries went through `queued` (decision 0015) go from
 * `continue`, a late answer or `model.chosen` straight to the next attempt's worker events: the
 * `start` they imply is applied first. A current log always has it, so this never fires there.
 */
function startedWithoutStart(snapshot: TaskSnapshot, event: TaskEvent): boolean {
  if (snapshot.value !== 'queued') return false;
  const { context } = snapshot;
  // Asked by the next attempt's worker before its start was logged: no other worker runs to ask.
  if (event.type === 'question.asked')
    return context.startReason !== 'first' && !context.workerRunning && !context.asked.includes(event.question.seq);
  const next =
    event.type === 'worker.started' || event.type === 'worker.spawn-failed' || event.type === 'worker.exited';
  return next && event.attempt === context.attempt + 1;
}

/** The lifecycle state a snapshot is in. */
export function stateOf(snapshot: TaskSnapshot): TaskState {
  return snapshot.value as TaskState;
}

/**
 * A snapshot rebuilt from its state and context alone, as a cache of a derived task keeps them:
 * the machine's own `resolveState`, no replay. It answers `hasTag` and `can` as the original did.
 */
export function restoreSnapshot(
  value: TaskState,
  context: TaskSnapshot['context'],
  machine: TaskMachine = getTaskMachine(),
): TaskSnapshot {
  return machine.resolveState({ value, context });
}
