import {
  applyEvent,
  type ChooseModelInput,
  type Clock,
  deadlineCallback,
  getTaskMachine,
  hasWorker,
  logInspector,
  samePlanFacts,
  stateOf,
  type TaskEvent,
  type TaskMachine,
  type TaskSnapshot,
  type TaskState,
} from '@dispatch/core';
import {
  cleanTaskTemps,
  createNoteKeeper,
  deriveTaskState,
  eventFromFact,
  EventLogWriter,
  type Fact,
  listAttempts,
  readAttemptClaimSync,
  readEngineView,
  readExitRecord,
  taskPaths,
  type NoteKeeper,
  type TaskFile,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import { appendFileSync } from 'node:fs';
import { createActor, type Actor } from 'xstate';
import { bindEffects, hostedMachine, type TaskEffects } from './hosted-machine.js';
import { crashPoint } from '../daemon/crash-points.js';
import { classifiers, classifyExit, classifyStuckWorker } from '../worker/classify-exit.js';
import { systemClock } from './system-clock.js';
import { jobEnded } from '../executors/slurm/job-states.js';
import {
  adoptJob,
  refreshEngineView,
  settleLostWorker,
  startWorker,
  stopWorker,
  type WorkerContext,
} from '../worker/worker-actors.js';

/** What a task host needs besides the files. */
export interface TaskHostOptions extends Omit<WorkerContext, 'paths' | 'now' | 'answerTimeoutSeconds'> {
  id: string;
  clock?: Clock;
  /** Told of every state the task enters. */
  onState?: (state: TaskState, from: TaskState, snapshot: TaskSnapshot) => void;
  /** Told of failures of the host's own work (a log append, a spawn, a fact read); default: stderr. */
  onError?: (err: unknown) => void;
  /** Start a queued task at once (default); false leaves it to a scheduler (limits, dependencies). */
  autoStart?: boolean;
  /**
   * The recovery decision (the machine's `chooseModel`): the event a recovering task takes,
   * `model.chosen` or `recovery.failed`. Default: the machine's own (the model asked for, else the same).
   */
  chooseModel?: (input: ChooseModelInput) => Promise<TaskEvent>;
  /** Remove the task's temp files a killed writer left (a minute old) first: default true; a daemon sweeping them itself says false. */
  cleanTemps?: boolean;
}

type TaskActor = Actor<TaskMachine>;

/**
 * Hosts one task's actor: rebuilds it from the files (`deriveTaskState`, logging what the log
 * lacked), provides the real effects (workers, deadlines), turns file facts into machine events,
 * and appends to `events.jsonl` every event that changed the task, each followed by a
 * `state.entered` note when it led into a new state.
 */
export class TaskHost {
  private constructor(
    readonly paths: TaskPaths,
    /** task.json: what was asked, by whom (model, backend, options such as `after`). */
    readonly task: TaskFile,
    private readonly actor: TaskActor,
    private readonly log: EventLogWriter,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
    private readonly notes: NoteKeeper,
    /** The state news found on disk led the task to while no host ran (an exit, a question), else null. */
    readonly enteredWhileAway: TaskState | null,
    private readonly worker: WorkerContext,
  ) {}

  static async start(options: TaskHostOptions): Promise<TaskHost> {
    const clock = options.clock ?? systemClock;
    const onError =
      options.onError ??
      ((err: unknown) => process.stderr.write(`dispatch: ${(err as Error).message ?? String(err)}\n`));
    // A job's worker killed by a signal while no host ran is classified from Slurm's word: ask it first.
    await refreshEndedEngineAttempt(taskPaths(options.dispatchDir, options.id), options, clock).catch(onError);
    const derived = await deriveTaskState(options.dispatchDir, options.id, { now: clock.now(), ...classifiers });
    if (options.cleanTemps !== false) await cleanTaskTemps(derived.paths);
    // derive has just read the log: no second read (nobody else appends to it).
    const log = EventLogWriter.continue(derived.paths.events, derived.logged);
    if (derived.logged[0]?.type !== 'task.created') {
      await log.append({
        type: 'task.created',
        at: derived.recorded.context.createdAt,
        input: inputOf(derived.recorded),
      });
    }
    // What happened while no host ran: log it, and the states it led through.
    let recorded = derived.recorded;
    let away: TaskState | null = null; // the state reached by news found on disk: an exit, a question
    for (const event of derived.unrecorded) {
      const next = applyEvent(recorded, event);
      if (stateOf(next) !== stateOf(recorded) || event.type === 'question.asked') away = stateOf(next);
      const note = { type: 'state.entered', at: event.at, state: stateOf(next), from: stateOf(recorded) };
      await log.appendAll(stateOf(next) === stateOf(recorded) ? [event] : [event, note]);
      recorded = next;
    }

    const ctx: WorkerContext = {
      ...options,
      paths: derived.paths,
      answerTimeoutSeconds: Math.round(derived.context.answerTimeoutMs / 1000),
      now: () => clock.now(),
      claims: new Map(),
    };
    let actorRef: { getSnapshot(): TaskSnapshot } | undefined;
    const effects: TaskEffects = {
      spawnWorker: (input, cancelled) => startWorker(ctx, input, cancelled),
      ...(options.chooseModel && { chooseModel: options.chooseModel }),
      // A worker stopped at the wall-clock limit may show why it never finished (codex waiting
      // for the network): the timeout carries that cause, so the task fails with it.
      deadline: deadlineCallback(clock, async (event) =>
        event.type === 'task.timeout' && actorRef
          ? {
              ...event,
              cause: await classifyStuckWorker(
                derived.paths,
                actorRef.getSnapshot().context.attempt,
                new Date(event.at),
              ),
            }
          : event,
      ),
      // The event that stops the worker (a cancel, a timeout) is on disk before the signal is
      // sent: a crash in between must not leave a killed worker with no record of why.
      stopWorker: (attempt) => {
        // After this macrostep's lines were handed to the log (a microtask queued after actions).
        void new Promise((resolve) => setImmediate(resolve))
          .then(() => log.flush())
          .then(() => stopWorker(ctx, attempt))
          .catch(onError);
      },
      onError,
    };
    // An event and the state note it caused are written together, in one append.
    let batch: Parameters<EventLogWriter['appendAll']>[0][number][] = [];
    const append = (line: (typeof batch)[number]) => {
      if (batch.length === 0) {
        queueMicrotask(() => {
          const lines = batch;
          batch = [];
          if (process.env.DISPATCH_CRASH_AT === 'mid-log-append') {
            // Half a line on disk, then death: what a crash in the middle of a write leaves.
            appendFileSync(derived.paths.events, JSON.stringify(lines[0]).slice(0, 20));
            crashPoint('mid-log-append');
          }
          log.appendAll(lines).catch(onError);
        });
      }
      batch.push(line);
    };
    const actor = createActor(hostedMachine(options.chooseModel !== undefined), {
      snapshot: getTaskMachine().getPersistedSnapshot(derived.snapshot),
      input: inputOf(derived.snapshot),
      clock,
      inspect: logInspector({
        event: (event) => {
          append(event);
          // A quota that reset leaves the task queued; without a scheduler it starts at once.
          if (event.type === 'quota.reset' && options.autoStart !== false)
            queueMicrotask(() => actor.send({ type: 'start', at: clock.now() }));
        },
        state: (state, from, cause, snapshot) => {
          append({ type: 'state.entered', at: cause.at, state, from });
          options.onState?.(state, from, snapshot);
          // A continue or retry queues the task again; without a scheduler it starts at once.
          if (state === 'queued' && options.autoStart !== false)
            queueMicrotask(() => actor.send({ type: 'start', at: clock.now() }));
        },
      }),
    });
    // Notes the log says were added stay in plan.md, whatever a worker's rewrite drops.
    const notes = createNoteKeeper(derived.paths.plan, {
      onRestored: (note) => void log.append({ type: 'note.restored', at: clock.now(), noteId: note.id }).catch(onError),
      onError,
    });
    for (const e of derived.logged) {
      if (e.type === 'note.added' && typeof e.noteId === 'string' && typeof e.text === 'string')
        notes.remember({ id: e.noteId, text: e.text });
    }
    actorRef = actor;
    bindEffects(actor.system, effects);
    const host = new TaskHost(derived.paths, derived.task, actor, log, clock, onError, notes, away, ctx);
    void notes.check();
    actor.start();
    const state = stateOf(derived.snapshot);
    if (state === 'queued' && options.autoStart !== false) host.send({ type: 'start', at: clock.now() });
    await settleWorker(ctx, state, derived.context.attempt).catch(onError);
    return host;
  }

  /** The task's current snapshot. */
  get snapshot(): TaskSnapshot {
    return this.actor.getSnapshot();
  }

  /** Sends an event to the task (logged if it changes the task). */
  send(event: TaskEvent): void {
    this.actor.send(event);
  }

  /** Resolves once every event sent so far is in the log. */
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // the last batch is handed over in a microtask
    await this.log.flush();
  }

  /** Appends a line that is not a machine event (a note added, a request refused) to the log. */
  async record(line: { type: string; at: number } & Record<string, unknown>): Promise<void> {
    await this.log.append(line);
  }

  /** Logs a dispatcher note added to plan.md; from then on it is put back if a rewrite drops it. */
  async recordNote(noteId: string, text: string, at: number): Promise<void> {
    await this.record({ type: 'note.added', at, noteId, text });
    this.notes.remember({ id: noteId, text });
  }

  /** Turns a file fact of this task into its machine event, if it stands for one. */
  async handleFact(fact: Fact): Promise<void> {
    if (fact.type === 'plan') void this.notes.check();
    if (fact.type === 'exit') await refreshEngineView(this.worker, fact.attempt).catch(this.onError);
    const event = await eventFromFact(fact, this.paths, this.clock.now(), classifyExit);
    if (!event) return;
    if (event.type === 'question.asked') crashPoint('after-question-seen');
    // A rewrite that changed no mark is no news (and would only lengthen the log).
    if (event.type === 'plan.changed' && samePlanFacts(event.plan, this.snapshot.context.plan)) return;
    this.send(event);
  }

  /**
   * Looks whether the running worker is still there, for one run by a cluster engine: a job that
   * ended without the wrapper's exit record (cancelled outside dispatch, its node failed, its
   * batch script killed) is recorded as lost, with the engine's word on how — the exit fact then
   * ends the attempt. A local worker is its wrapper's child and always leaves a record.
   */
  async followWorker(now = Date.now()): Promise<void> {
    const { value, context } = this.snapshot;
    if (context.attempt === 0 || value === 'starting' || !hasWorker(value as TaskState)) return;
    if (now < this.nextFollow) return; // at the executor's pace: the daemon's tick is faster
    // Whether the attempt runs on an engine, read once per attempt (a claim never changes).
    if (this.followed?.attempt !== context.attempt) {
      const engine = readAttemptClaimSync(this.paths.attempts, context.attempt)?.executor !== undefined;
      this.followed = { attempt: context.attempt, engine };
    }
    if (!this.followed.engine) return;
    this.nextFollow = now + (await settleLostWorker(this.worker, context.attempt)).nextInMs;
  }

  private nextFollow = 0;
  private followed: { attempt: number; engine: boolean } | null = null;

  /** Stops the actor (workers keep running) and waits for the log to be written. */
  async stop(): Promise<void> {
    this.actor.stop();
    await this.flush().catch(this.onError);
  }
}

/**
 * What a host starting on a task does about its worker, whatever happened while no host ran: a
 * worker that vanished without an exit record is recorded as lost (the task then fails with
 * `crash`, instead of waiting forever); a worker still running for a task that should have none
 * (cancelled, or failed on a timeout, while the stop was in flight) is stopped again.
 */
async function settleWorker(ctx: WorkerContext, state: TaskState, attempt: number): Promise<void> {
  if (attempt === 0 || state === 'starting') return; // starting re-attaches by itself
  await adoptJob(ctx, attempt);
  if (hasWorker(state)) {
    await settleLostWorker(ctx, attempt);
  } else {
    await stopWorker(ctx, attempt);
  }
}

/** Refreshes the engine view of the task's last attempt when its worker ended by a signal not yet classified. */
async function refreshEndedEngineAttempt(paths: TaskPaths, options: TaskHostOptions, clock: Clock): Promise<void> {
  const last = (await listAttempts(paths.attempts)).at(-1);
  if (last === undefined || readAttemptClaimSync(paths.attempts, last)?.executor === undefined) return;
  const exit = await readExitRecord(paths.attempts, last);
  if (exit?.signal == null) return;
  const view = await readEngineView(paths.attempts, last);
  if (view !== null && jobEnded(view.state)) return;
  await refreshEngineView({ ...options, paths, answerTimeoutSeconds: 0, now: () => clock.now() }, last);
}

function inputOf(snapshot: TaskSnapshot) {
  const c = snapshot.context;
  return {
    id: c.id,
    model: c.model,
    createdAt: c.createdAt,
    answerTimeoutMs: c.answerTimeoutMs,
    graceMs: c.graceMs,
    timeLimitMs: c.timeLimitMs,
    budgetUsd: c.budgetUsd,
    onLimit: c.onLimit,
    quotaCooldownMs: c.quotaCooldownMs,
  };
}
