import { createActor, fromCallback, SimulatedClock } from 'xstate';
import {
  createDeadlineLogic,
  logInspector,
  taskMachine,
  type ChooseModelInput,
  type LogEvent,
  type PlanFacts,
  type SpawnWorkerInput,
  type StopWorkerParams,
  type TaskEvent,
  type TaskInput,
} from '../src/index.js';

/** Plan facts from counts, for exit and plan-change events. */
export function plan(counts: Partial<PlanFacts> & { total: number }): PlanFacts {
  const f = { done: 0, blocked: 0, error: 0, ...counts };
  return { ...f, pending: f.total - f.done - f.blocked - f.error };
}

export const T0 = Date.parse('2026-11-24T10:00:00.000Z');

/**
 * A task actor with fake host effects: spawns are recorded (and answered with `worker.started`
 * unless told otherwise), stops are recorded, deadlines run on a SimulatedClock, and every event
 * the actor receives is logged, as the daemon's log writer does, so tests can replay it.
 */
export function harness(
  options: {
    input?: Partial<TaskInput>;
    autoStart?: boolean;
    /** Keeps a task that was queued again (continue, retry) in `queued` instead of starting it. */
    holdRequeued?: boolean;
    /** Replaces the default chooser (which restarts with the requested or the same model). */
    chooseModel?: (input: ChooseModelInput, sendBack: (event: TaskEvent) => void) => void;
  } = {},
) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const spawns: SpawnWorkerInput[] = [];
  const stops: StopWorkerParams['reason'][] = [];
  const input: TaskInput = { id: 'demo-task', model: 'opus', createdAt: T0, ...options.input };
  const log: LogEvent[] = [{ type: 'task.created', at: T0, input }];
  let pid = 1000;
  const machine = taskMachine.provide({
    actors: {
      spawnWorker: fromCallback<TaskEvent, SpawnWorkerInput>(({ input: spawn, sendBack }) => {
        spawns.push(spawn);
        if (options.autoStart !== false) {
          sendBack({ type: 'worker.started', attempt: spawn.attempt, model: spawn.model, pid: ++pid, at: clock.now() });
        }
      }),
      deadline: createDeadlineLogic(clock),
      ...(options.chooseModel && {
        chooseModel: fromCallback<TaskEvent, ChooseModelInput>(({ input: choose, sendBack }) => {
          options.chooseModel?.(choose, sendBack);
        }),
      }),
    },
    actions: {
      stopWorker: (_, params: StopWorkerParams) => {
        stops.push(params.reason);
      },
    },
  });
  // Logged exactly as hosts log: the events that changed the task (see logInspector).
  const actor = createActor(machine, { input, clock, inspect: logInspector({ event: (event) => log.push(event) }) });
  actor.start();
  // Like a host whose scheduler always has a slot: a task queued again (continue, retry, late
  // answer) starts at once, unless the test holds it there.
  actor.subscribe((s) => {
    const start = { type: 'start', at: clock.now() } as const;
    if (s.value === 'queued' && s.context.startReason !== 'first' && options.holdRequeued !== true && s.can(start))
      actor.send(start);
  });
  const send = (event: DistributiveOmit<TaskEvent, 'at'>) => actor.send({ ...event, at: clock.now() } as TaskEvent);
  const state = () => actor.getSnapshot().value;
  const context = () => actor.getSnapshot().context;
  return { actor, clock, spawns, stops, log, send, state, context, input };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Drives a fresh task to `running` (attempt 1). */
export function runningTask(options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options);
  h.send({ type: 'start' });
  return h;
}

/** Plans as the worker leaves them: all done, one item blocked, one item in error, items open. */
export const plans = {
  allDone: plan({ total: 3, done: 3 }),
  oneBlocked: plan({ total: 3, done: 1, blocked: 1 }),
  oneError: plan({ total: 3, done: 1, error: 1 }),
  twoOpen: plan({ total: 3, done: 1 }),
};

/** A running task whose worker asked question 1 (answer timeout 180 s, grace 60 s). */
export function askedAndWaiting() {
  const h = runningTask({ input: { answerTimeoutMs: 180_000, graceMs: 60_000 } });
  h.send({ type: 'question.asked', question: { seq: 1, text: 'JWT or sessions?' } });
  return h;
}

const exitWith = (p: PlanFacts, code = 0) =>
  ({ type: 'worker.exited', attempt: 1, code, signal: null, plan: p }) as const;

/** A task whose worker ran out of quota (reset named 10 minutes ahead): it waits in `queued`. */
export function waitingForQuota(options: Parameters<typeof harness>[0] = {}) {
  const h = runningTask(options);
  const cause = { kind: 'quota' as const, message: 'claude: usage limit reached', resetAt: h.clock.now() + 600_000 };
  h.send({ ...exitWith(plans.twoOpen, 1), cause });
  return h;
}

/** How to put a fresh task in each non-final state, with fake host actors. */
export const reachState: Record<string, () => ReturnType<typeof harness>> = {
  queued: () => harness(),
  starting: () => {
    const h = harness({ autoStart: false });
    h.send({ type: 'start' });
    return h;
  },
  running: () => runningTask(),
  'awaiting-answer': askedAndWaiting,
  'timed-out': () => {
    const h = askedAndWaiting();
    h.clock.increment(180_000);
    return h;
  },
  blocked: () => {
    const h = runningTask();
    h.send(exitWith(plans.oneBlocked));
    return h;
  },
  failed: () => {
    const h = runningTask();
    h.send(exitWith(plans.oneError, 1));
    return h;
  },
  // A chooser that never answers holds the task in recovering.
  recovering: () => {
    const h = harness({ chooseModel: () => undefined });
    h.send({ type: 'start' });
    h.send(exitWith(plans.oneError, 1));
    h.send({ type: 'retry' });
    return h;
  },
};
