import type { InspectionEvent } from 'xstate';
import { isTaskEventType, type TaskEvent } from './events.js';
import { stateOf, type TaskSnapshot } from './replay.js';
import type { TaskState } from './types.js';

/** Where a task's history goes: each event that changed it, then the state it entered, if any. */
export interface TaskLogHandlers {
  event(event: TaskEvent, snapshot: TaskSnapshot): void;
  state?(state: TaskState, from: TaskState, cause: TaskEvent, snapshot: TaskSnapshot): void;
}

/**
 * An `inspect` callback for a task actor that reports exactly what its log must hold: every
 * event that changed the root actor's snapshot (the machine's guards make a fact seen twice
 * change nothing, so it is reported once; replaying the reported events rebuilds the same
 * state), each followed by the state it led into. Hosts and tests share it, so what tests replay
 * is what hosts log.
 * @example createActor(machine, { input, inspect: logInspector({ event: (e) => log.append(e) }) })
 */
export function logInspector(handlers: TaskLogHandlers): (ev: InspectionEvent) => void {
  let previous: TaskSnapshot | undefined;
  return (ev) => {
    if (ev.type !== '@xstate.snapshot' || ev.actorRef.sessionId !== ev.rootId) return;
    const before = previous;
    const snapshot = ev.snapshot as TaskSnapshot;
    previous = snapshot;
    if (before === undefined || snapshot === before || !isTaskEventType(ev.event.type)) return;
    const event = ev.event as TaskEvent;
    handlers.event(event, snapshot);
    const [from, to] = [stateOf(before), stateOf(snapshot)];
    if (from !== to) handlers.state?.(to, from, event, snapshot);
  };
}
