import {
  applyEvent,
  createDeadlineLogic,
  isTaskEventType,
  samePlanFacts,
  stateOf,
  taskMachine,
  type Clock,
  type TaskEvent,
  type TaskSnapshot,
  type TaskState,
} from '@dispatch/core';
import { cleanTaskTemps, deriveTaskState, EventLogWriter, type Fact, type TaskPaths } from '@dispatch/ipc-fs';
import { createActor, fromCallback, type Actor } from 'xstate';
import { eventFromFact } from './fact-events.js';
import { systemClock } from './system-clock.js';
import { startWorker, stopWorker, type WorkerContext } from './worker-actors.js';

/** What a task host needs besides the files. */
export interface TaskHostOptions extends Omit<WorkerContext, 'paths' | 'now'> {
  id: string;
  clock?: Clock;
  /** Told of every state the task enters. */
  onState?: (state: TaskState, from: TaskState, snapshot: TaskSnapshot) => void;
}

type TaskActor = Actor<typeof taskMachine>;

/**
 * Hosts one task's actor: rebuilds it from the files (`deriveTaskState`, logging the facts the log
 * lacked), provides the real effects (workers, deadlines), turns file facts into machine events,
 * and appends every event the actor receives to `events.jsonl`, plus a `state.entered` note per
 * state. Killed at any point, a new host started on the same files carries on.
 */
export class TaskHost {
  private constructor(
    readonly paths: TaskPaths,
    private readonly actor: TaskActor,
    private readonly log: EventLogWriter,
    private readonly clock: Clock,
  ) {}

  static async start(options: TaskHostOptions): Promise<TaskHost> {
    const clock = options.clock ?? systemClock;
    const derived = await deriveTaskState(options.dispatchDir, options.id);
    await cleanTaskTemps(derived.paths);
    const log = await EventLogWriter.open(derived.paths.events);
    if (derived.logged[0]?.type !== 'task.created') {
      const created = { type: 'task.created', at: derived.snapshot.context.createdAt, input: inputOf(derived.snapshot) };
      await log.append(created);
    }
    // Facts that happened while no host ran: log them, and the states they led through.
    let recorded = derived.recorded;
    for (const event of derived.unrecorded) {
      await log.append(event);
      const next = applyEvent(recorded, event);
      if (stateOf(next) !== stateOf(recorded)) {
        await log.append({ type: 'state.entered', at: event.at, state: stateOf(next), from: stateOf(recorded) });
      }
      recorded = next;
    }

    const ctx: WorkerContext = { ...options, paths: derived.paths, now: () => clock.now() };
    const machine = taskMachine.provide({
      actors: {
        spawnWorker: fromCallback(({ input, sendBack }) => {
          void startWorker(ctx, input as Parameters<typeof startWorker>[1]).then(sendBack);
        }),
        deadline: createDeadlineLogic(clock),
      },
      actions: {
        stopWorker: ({ context }) => void stopWorker(ctx, context.attempt),
      },
    });
    let actor: TaskActor | undefined;
    let previous: unknown;
    const created = createActor(machine, {
      snapshot: taskMachine.getPersistedSnapshot(derived.snapshot),
      input: inputOf(derived.snapshot),
      clock,
      // Log each event that changed the task; the machine's guards make a fact seen twice change
      // nothing (the same snapshot object), so it is logged once, and replay gives the same state.
      inspect: (ev) => {
        if (ev.type !== '@xstate.snapshot' || ev.actorRef !== actor) return;
        const changed = ev.snapshot !== previous;
        previous = ev.snapshot;
        if (changed && isTaskEventType(ev.event.type)) void log.append(ev.event as TaskEvent);
      },
    });
    actor = created;
    const host = new TaskHost(derived.paths, created, log, clock);
    let last = stateOf(derived.snapshot);
    created.subscribe((snapshot) => {
      const state = stateOf(snapshot);
      if (state === last) return;
      const from = last;
      last = state;
      void log.append({ type: 'state.entered', at: clock.now(), state, from });
      options.onState?.(state, from, snapshot);
    });
    created.start();
    if (last === 'queued') host.send({ type: 'start', at: clock.now() });
    return host;
  }

  /** The task's current snapshot. */
  get snapshot(): TaskSnapshot {
    return this.actor.getSnapshot();
  }

  /** Sends an event to the task (it is logged like every other). */
  send(event: TaskEvent): void {
    this.actor.send(event);
  }

  /** Turns a file fact of this task into its machine event, if it stands for one. */
  async handleFact(fact: Fact): Promise<void> {
    const event = await eventFromFact(fact, this.paths, this.clock.now());
    if (!event) return;
    // A rewrite that changed no mark is no news (and would only lengthen the log).
    if (event.type === 'plan.changed' && samePlanFacts(event.plan, this.snapshot.context.plan)) return;
    this.send(event);
  }

  /** Stops the actor (workers keep running) and waits for the log to be written. */
  async stop(): Promise<void> {
    this.actor.stop();
    await this.log.flush();
  }
}

function inputOf(snapshot: TaskSnapshot) {
  const c = snapshot.context;
  return { id: c.id, model: c.model, createdAt: c.createdAt, answerTimeoutMs: c.answerTimeoutMs, graceMs: c.graceMs, timeLimitMs: c.timeLimitMs };
}
