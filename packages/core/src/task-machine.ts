import { assign, fromCallback, setup } from 'xstate';
import type { DeadlineInput } from './deadline.js';
import type { TaskEvent, TaskEventOf } from './events.js';
import { exitGuards, isCurrentAttempt, isPending, samePlanFacts } from './guards.js';
import {
  answerDeadlineOf,
  exitError,
  initialContext,
  withQuestion,
  withoutQuestion,
} from './task-context.js';
import type { StartReason, TaskContext, TaskError, TaskInput } from './types.js';

/** What the host's `spawnWorker` actor is given: start (or re-attach to) this attempt's worker. */
export interface SpawnWorkerInput {
  id: string;
  attempt: number;
  model: string;
  startReason: StartReason;
}

/** What the host's `chooseModel` actor is given: pick the model a recovering task restarts with. */
export interface ChooseModelInput {
  id: string;
  requested: string | null;
  current: string;
  modelsTried: string[];
  error: TaskError | null;
  at: number;
}

/** Why the host is asked to stop a worker. */
export interface StopWorkerParams {
  reason: 'cancel' | 'stalled' | 'timeout' | 'answer-grace';
}

type Exited = TaskEventOf<'worker.exited'>;
type Answered = TaskEventOf<'question.answered'>;

// The contract's order for a worker that exited: `[!]` first, then `[?]`, then all done; an exit
// record of an older attempt matches no transition, so it changes nothing. After the answer deadline, open items mean the
// worker gave up waiting (or was stopped): blocked, not failed.
const exitOf = (otherwise: 'failed' | 'blocked') =>
  [
    { guard: 'exitedWithError', target: 'failed', actions: ['recordExit', 'failFromExit'] },
    { guard: 'exitedBlocked', target: 'blocked', actions: 'recordExit' },
    { guard: 'exitedComplete', target: 'completed', actions: 'recordExit' },
    {
      guard: 'isCurrentExit',
      target: otherwise,
      actions: otherwise === 'failed' ? (['recordExit', 'failFromExit'] as const) : (['recordExit'] as const),
    },
  ] as const;
const exitToFailed = exitOf('failed');
const exitToBlocked = exitOf('blocked');

const timeoutTransition = {
  target: 'failed',
  actions: ['failWithTimeout', { type: 'stopWorker', params: { reason: 'timeout' } }],
} as const;

const taskDeadline = {
  src: 'deadline',
  id: 'task-deadline',
  input: ({ context }: { context: TaskContext }): DeadlineInput => ({
    at: context.deadlines.task,
    event: { type: 'task.timeout' },
  }),
} as const;

/**
 * The lifecycle of one dispatched task, as DESIGN.md draws it. Pure: spawning, stopping workers,
 * choosing a model and keeping time are the actors and actions a host supplies with
 * `taskMachine.provide(...)`; every fact arrives as a stamped event, so the same events replayed
 * from `events.jsonl` rebuild the same state.
 * @example
 * const actor = createActor(taskMachine.provide({ actors: { spawnWorker, deadline } }), { input });
 * actor.start(); actor.send({ type: 'start', at: Date.now() });
 */
export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskInput,
    tags: {} as 'active' | 'worker' | 'needs-user',
  },
  actors: {
    /** Host: claim attempt N exclusively and start its worker, or re-attach to it; sends `worker.started` or `worker.spawn-failed`. */
    spawnWorker: fromCallback<TaskEvent, SpawnWorkerInput>(() => undefined),
    /** Host: choose the model to restart with; sends `model.chosen` or `recovery.failed`. Default: the requested model, else the same one. */
    chooseModel: fromCallback<TaskEvent, ChooseModelInput>(({ input, sendBack }) => {
      sendBack({ type: 'model.chosen', model: input.requested ?? input.current, at: input.at });
    }),
    /** Host: send `input.event` at the absolute moment `input.at` (see createDeadlineLogic). Default: never. */
    deadline: fromCallback<TaskEvent, DeadlineInput>(() => undefined),
  },
  actions: {
    /** Host: stop the worker's whole process group (the exit record is still written). */
    stopWorker: (_, _params: StopWorkerParams) => undefined,
    recordExit: assign(({ event }) => ({ workerPid: null, plan: (event as Exited).plan, updatedAt: event.at })),
    // An answer seen before its question (facts can arrive out of order) leaves nothing pending.
    recordQuestion: assign(({ context, event }) => {
      const asked = event as TaskEventOf<'question.asked'>;
      return {
        questions: context.answered.includes(asked.question.seq) ? context.questions : withQuestion(context, asked),
        asked: [...context.asked, asked.question.seq],
        updatedAt: event.at,
      };
    }),
    recordAnswer: assign(({ context, event }) => ({
      questions: withoutQuestion(context, (event as Answered).question.seq),
      answered: [...context.answered, (event as Answered).question.seq],
      updatedAt: event.at,
    })),
    failFromExit: assign(({ event }) => ({ error: exitError(event as Exited) })),
    failWithTimeout: assign(({ event }) => ({
      error: { kind: 'timeout' as const, message: (event as { message?: string }).message ?? 'the wall-clock limit passed' },
      updatedAt: event.at,
    })),
  },
  guards: {
    isCurrentExit: ({ context, event }) => isCurrentAttempt(context, event as Exited),
    exitedWithError: ({ context, event }) => isCurrentAttempt(context, event as Exited) && exitGuards.exitedWithError(event as Exited),
    exitedBlocked: ({ context, event }) => isCurrentAttempt(context, event as Exited) && exitGuards.exitedBlocked(event as Exited),
    exitedComplete: ({ context, event }) => isCurrentAttempt(context, event as Exited) && exitGuards.exitedComplete(event as Exited),
    /** The exit of a worker the task no longer waits for (after a timeout or stall) not yet recorded. */
    isUnrecordedExit: ({ context, event }) => isCurrentAttempt(context, event as Exited) && context.workerPid !== null,
    isPending: ({ context, event }) => isPending(context, (event as Answered).question.seq),
    isNewQuestion: ({ context, event }) => {
      const { seq } = (event as TaskEventOf<'question.asked'>).question;
      return seq > 0 && !context.asked.includes(seq);
    },
    isUnansweredQuestion: ({ context, event }) => {
      const { seq } = (event as TaskEventOf<'question.asked'>).question;
      return seq > 0 && !context.asked.includes(seq) && !context.answered.includes(seq);
    },
    isLastPending: ({ context, event }) =>
      context.questions.length === 1 && isPending(context, (event as Answered).question.seq),
    isNewAnswer: ({ context, event }) => !context.answered.includes((event as Answered).question.seq),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => initialContext(input),
  initial: 'queued',
  on: {
    cancel: { target: '.cancelled' },
    // Every handler is guarded so that a fact seen twice enables no transition: the snapshot stays
    // the same object, and the host logs only events that changed it.
    'plan.changed': {
      guard: ({ context, event }) => !samePlanFacts(context.plan, event.plan),
      actions: assign(({ event }) => ({ plan: event.plan, updatedAt: event.at })),
    },
    'worker.done': {
      guard: ({ context }) => !context.doneMarker,
      actions: assign(({ event }) => ({ doneMarker: true, updatedAt: event.at })),
    },
    'question.asked': { guard: 'isNewQuestion', actions: 'recordQuestion' },
    'question.answered': {
      guard: 'isNewAnswer',
      actions: 'recordAnswer',
    },
  },
  states: {
    queued: {
      description: 'Waiting for its dependencies to finish and for a free worker slot.',
      on: {
        start: { target: 'starting' },
        'dependency.failed': {
          target: 'failed',
          actions: assign(({ event }) => ({ error: { kind: 'dependency', message: event.message }, updatedAt: event.at })),
        },
      },
    },
    starting: {
      description: 'Starting the worker CLI for a new attempt (exactly once per attempt, even across restarts).',
      tags: ['active'],
      entry: assign(({ context }) => ({
        attempt: context.attempt + 1,
        modelsTried: context.modelsTried.includes(context.model) ? context.modelsTried : [...context.modelsTried, context.model],
        error: null,
        // Questions left unanswered by the previous worker are superseded: the new one starts
        // from the plan (and context.md), not from a question it never asked.
        questions: [],
        doneMarker: false,
        workerPid: null,
        requestedModel: null,
        deadlines: { answer: null, grace: null, task: null },
      })),
      invoke: {
        src: 'spawnWorker',
        id: 'worker',
        input: ({ context }) => ({ id: context.id, attempt: context.attempt, model: context.model, startReason: context.startReason }),
      },
      on: {
        'worker.started': {
          guard: ({ context, event }) => event.attempt === context.attempt,
          target: 'running',
          actions: assign(({ context, event }) => ({
            workerPid: event.pid,
            deadlines: { ...context.deadlines, task: context.timeLimitMs === null ? null : event.at + context.timeLimitMs },
            updatedAt: event.at,
          })),
        },
        'worker.spawn-failed': {
          guard: ({ context, event }) => event.attempt === context.attempt,
          target: 'failed',
          actions: assign(({ event }) => ({ error: event.error, updatedAt: event.at })),
        },
        'worker.exited': exitToFailed,
      },
    },
    running: {
      description: 'The worker is working through the plan.',
      tags: ['active', 'worker'],
      invoke: taskDeadline,
      // Entered with a question already pending (asked while starting, or a second one): wait for it.
      always: { guard: ({ context }) => context.questions.length > 0, target: 'awaiting-answer' },
      on: {
        'question.asked': { guard: 'isUnansweredQuestion', target: 'awaiting-answer', actions: 'recordQuestion' },
        'worker.exited': exitToFailed,
        'worker.stalled': {
          target: 'failed',
          actions: [
            assign(({ event }) => ({ error: { kind: 'stalled', message: event.message ?? 'no plan change and no worker output for too long' }, updatedAt: event.at })),
            { type: 'stopWorker', params: { reason: 'stalled' } },
          ],
        },
        'task.timeout': timeoutTransition,
      },
    },
    'awaiting-answer': {
      description: 'The worker asked a question and is waiting for the answer, its context intact.',
      tags: ['active', 'worker', 'needs-user'],
      entry: assign(({ context }) => ({ deadlines: { ...context.deadlines, answer: answerDeadlineOf(context) } })),
      invoke: [
        taskDeadline,
        {
          src: 'deadline',
          id: 'answer-deadline',
          input: ({ context }): DeadlineInput => ({
            at: answerDeadlineOf(context),
            event: { type: 'answer.timeout', question: { seq: context.questions[0]?.seq ?? 0 } },
          }),
        },
      ],
      always: { guard: ({ context }) => context.questions.length === 0, target: 'running' },
      on: {
        'question.answered': [
          { guard: 'isLastPending', target: 'running', actions: 'recordAnswer' },
          // Re-entering restarts the answer deadline for the next pending question.
          { guard: 'isPending', target: 'awaiting-answer', reenter: true, actions: 'recordAnswer' },
          { guard: 'isNewAnswer', actions: 'recordAnswer' },
        ],
        'answer.timeout': {
          guard: ({ context, event }) => context.questions[0]?.seq === event.question.seq,
          target: 'timed-out',
          actions: assign(({ context, event }) => ({
            deadlines: { ...context.deadlines, grace: event.at + context.graceMs },
            updatedAt: event.at,
          })),
        },
        'worker.exited': exitToFailed,
        'task.timeout': timeoutTransition,
      },
    },
    'timed-out': {
      description: 'No answer came in time; the worker is expected to save its context, mark the item [?] and stop.',
      tags: ['active', 'worker', 'needs-user'],
      invoke: [
        taskDeadline,
        {
          src: 'deadline',
          id: 'grace-deadline',
          input: ({ context }): DeadlineInput => ({ at: context.deadlines.grace, event: { type: 'answer.grace-expired' } }),
        },
      ],
      on: {
        'question.answered': [
          { guard: 'isPending', target: 'running', actions: 'recordAnswer' },
          { guard: 'isNewAnswer', actions: 'recordAnswer' },
        ],
        'answer.grace-expired': { actions: { type: 'stopWorker', params: { reason: 'answer-grace' } } },
        'worker.exited': exitToBlocked,
        'task.timeout': timeoutTransition,
      },
    },
    blocked: {
      description: 'The worker stopped at a [?] item; an answer or `continue` starts a new worker from there.',
      tags: ['needs-user'],
      on: {
        continue: {
          target: 'starting',
          actions: assign(({ context, event }) => ({ model: event.model ?? context.model, startReason: 'continue' as const, updatedAt: event.at })),
        },
        'question.answered': [
          {
            guard: 'isPending',
            target: 'starting',
            actions: ['recordAnswer', assign({ startReason: 'late-answer' as const })],
          },
          { guard: 'isNewAnswer', actions: 'recordAnswer' },
        ],
        'worker.exited': { guard: 'isUnrecordedExit', actions: 'recordExit' },
      },
    },
    failed: {
      description: 'The worker could not start or did not finish the plan; the error says why. Retry, with the same or another model.',
      tags: ['needs-user'],
      on: {
        retry: {
          target: 'recovering',
          actions: assign(({ event }) => ({ requestedModel: event.model ?? null, updatedAt: event.at })),
        },
        'worker.exited': { guard: 'isUnrecordedExit', actions: 'recordExit' },
      },
    },
    recovering: {
      description: 'Choosing the model to retry with (and repairing the config if the user asked).',
      tags: ['active'],
      invoke: {
        src: 'chooseModel',
        id: 'choose-model',
        input: ({ context }) => ({
          id: context.id,
          requested: context.requestedModel,
          current: context.model,
          modelsTried: context.modelsTried,
          error: context.error,
          at: context.updatedAt,
        }),
      },
      on: {
        'model.chosen': {
          target: 'starting',
          actions: assign(({ event }) => ({ model: event.model, startReason: 'retry' as const, updatedAt: event.at })),
        },
        'recovery.failed': {
          target: 'failed',
          actions: assign(({ event }) => ({ error: event.error, updatedAt: event.at })),
        },
      },
    },
    completed: {
      description: 'The worker exited with every item of the plan done.',
      type: 'final',
    },
    cancelled: {
      description: 'Cancelled by the user; the worker was stopped.',
      type: 'final',
      entry: [
        { type: 'stopWorker', params: { reason: 'cancel' } },
        assign(({ event }) => ({ updatedAt: event.at })),
      ],
    },
  },
});

/** The task machine's type, for hosts that provide its actors. */
export type TaskMachine = typeof taskMachine;
