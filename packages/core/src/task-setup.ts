import { assign, fromCallback, setup } from 'xstate';
import type { DeadlineInput } from './deadline.js';
import type { TaskEvent, TaskEventOf } from './events.js';
import { exitGuards, isCurrentAttempt, isPending } from './guards.js';
import { limitErrorOf, pausesOn, quotaWaitOf, timeLimitErrorOf } from './limits.js';
import { exitError, stoppedError, withQuestion, withoutQuestion } from './task-context.js';
import type { StartReason, TaskContext, TaskError, TaskInput } from './types.js';
import type { TaskTag } from './state-tags.js';

/** What the host's `spawnWorker` actor is given: start (or re-attach to) this attempt's worker. */
export interface SpawnWorkerInput {
  id: string;
  attempt: number;
  model: string;
  startReason: StartReason;
  /** US dollars the worker may spend (a `continue` may have raised it); null: the config's, or none. */
  budgetUsd: number | null;
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
type Asked = TaskEventOf<'question.asked'>;
type Answered = TaskEventOf<'question.answered'>;

const current = (context: TaskContext, event: TaskEvent) => isCurrentAttempt(context, event as Exited);
/** An answer that came while this worker ran and that it never acknowledged: it never saw it. */
const unackedAnswer = (context: TaskContext, event: Exited) =>
  context.answeredThisAttempt.some((seq) => !(event.acks ?? []).includes(seq));
/** The worker ended as a worker that gave up waiting does: exit 0, or stopped by us after the grace. */
const gaveUp = (context: TaskContext, event: Exited) =>
  (event.code === 0 && event.signal === null) || context.stopRequested;

/**
 * The task machine's vocabulary: types, the effects a host provides (defaults do nothing), and
 * the named actions and guards its states use. Guards read facts carried by events.
 */
export const taskSetup = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskInput,
    tags: {} as TaskTag,
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
    recordExit: assign(({ event }) => ({
      workerPid: null,
      workerRunning: false,
      plan: (event as Exited).plan,
      updatedAt: event.at,
    })),
    // An answer seen before its question (facts can arrive out of order) leaves nothing pending.
    recordQuestion: assign(({ context, event }) => {
      const { question } = event as Asked;
      return {
        questions: context.answered.includes(question.seq) ? context.questions : withQuestion(context, event as Asked),
        asked: [...context.asked, question.seq],
        updatedAt: event.at,
      };
    }),
    recordAnswer: assign(({ context, event }) => {
      const { seq } = (event as Answered).question;
      return {
        questions: withoutQuestion(context, seq),
        answered: [...context.answered, seq],
        answeredThisAttempt: context.workerRunning
          ? [...context.answeredThisAttempt, seq]
          : context.answeredThisAttempt,
        updatedAt: event.at,
      };
    }),
    failFromExit: assign(({ event }) => ({ error: exitError(event as Exited) })),
    failWithTimeout: assign(({ event }) => {
      const { message, cause } = event as TaskEventOf<'task.timeout'>;
      return { error: stoppedError('timeout', message ?? 'the wall-clock limit passed', cause), updatedAt: event.at };
    }),
    continueWithLateAnswer: assign({ startReason: 'late-answer' as const }),
    /** `continue`: the next worker resumes from the plan, with the model and limits the user gave. */
    continueWith: assign(({ context, event }) => {
      const e = event as TaskEventOf<'continue'>;
      return {
        model: e.model ?? context.model,
        startReason: 'continue' as const,
        timeLimitMs: e.timeLimitMs === undefined ? context.timeLimitMs : e.timeLimitMs,
        budgetUsd: e.budgetUsd === undefined ? context.budgetUsd : e.budgetUsd,
        waiting: null,
        updatedAt: event.at,
      };
    }),
    /** The worker ran out of quota: wait for the reset, then go again as a retry would (resuming its session). */
    waitForQuota: assign(({ context, event }) => ({
      waiting: quotaWaitOf(context, event as Exited),
      startReason: 'retry' as const,
      updatedAt: event.at,
    })),
    blockOnLimit: assign(({ context, event }) => ({ error: limitErrorOf(context, event as Exited), questions: [] })),
    blockOnTimeLimit: assign(({ context, event }) => ({
      error: timeLimitErrorOf(context, event as TaskEventOf<'task.timeout'>),
      // No question waits: raising the limit (`continue`) is the way on, not an answer.
      questions: [],
      updatedAt: event.at,
    })),
  },
  guards: {
    isCurrentExit: ({ context, event }) => current(context, event),
    exitedWithError: ({ context, event }) => current(context, event) && exitGuards.exitedWithError(event as Exited),
    /** The worker gave up at a [?] item, but the answer had come meanwhile: continue with it. */
    exitedBlockedWithLateAnswer: ({ context, event }) =>
      current(context, event) && exitGuards.exitedBlocked(event as Exited) && unackedAnswer(context, event as Exited),
    /** After the answer deadline: the worker gave up without marking [?], though the answer had come. */
    gaveUpWithLateAnswer: ({ context, event }) =>
      current(context, event) && gaveUp(context, event as Exited) && unackedAnswer(context, event as Exited),
    exitedBlocked: ({ context, event }) => current(context, event) && exitGuards.exitedBlocked(event as Exited),
    exitedComplete: ({ context, event }) => current(context, event) && exitGuards.exitedComplete(event as Exited),
    gaveUpWaiting: ({ context, event }) => current(context, event) && gaveUp(context, event as Exited),
    exitedOnQuota: ({ context, event }) => current(context, event) && pausesOn(context, event as Exited) === 'quota',
    exitedOnLimit: ({ context, event }) => current(context, event) && pausesOn(context, event as Exited) === 'limit',
    /** A wall-clock limit reached pauses the task (blocked) unless it was asked to fail. */
    pausesOnTimeLimit: ({ context }) => context.onLimit === 'pause',
    /** The exit of a worker the task no longer waits for (after a timeout or stall), not yet recorded. */
    isUnrecordedExit: ({ context, event }) => current(context, event) && context.workerRunning,
    isPending: ({ context, event }) => isPending(context, (event as Answered).question.seq),
    isNewQuestion: ({ context, event }) => {
      const { seq } = (event as Asked).question;
      return seq > 0 && !context.asked.includes(seq);
    },
    isUnansweredQuestion: ({ context, event }) => {
      const { seq } = (event as Asked).question;
      return seq > 0 && !context.asked.includes(seq) && !context.answered.includes(seq);
    },
    isLastPending: ({ context, event }) =>
      context.questions.length === 1 && isPending(context, (event as Answered).question.seq),
    isNewAnswer: ({ context, event }) => !context.answered.includes((event as Answered).question.seq),
  },
});

// How a worker's exit is judged: the plan is the contract. `[!]` first, then `[?]` (continuing at
// once if the answer came meanwhile), then all done; an exit record of an older attempt matches
// nothing, so it changes nothing.
const lateAnswer = { target: 'queued', actions: ['recordExit', 'continueWithLateAnswer'] } as const;
const failWith = { target: 'failed', actions: ['recordExit', 'failFromExit'] } as const;
// A limit that time or the user cures pauses the task instead (LimitPolicy): checked after the
// plan's own verdict, before the exit counts as a failure.
const waitForQuota = { guard: 'exitedOnQuota', target: 'queued', actions: ['recordExit', 'waitForQuota'] } as const;
const blockOnLimit = { guard: 'exitedOnLimit', target: 'blocked', actions: ['recordExit', 'blockOnLimit'] } as const;

/** Exit transitions before the worker's start was recorded (a worker that ended at once). */
export const exitBeforeStart = [
  { guard: 'exitedWithError', ...failWith },
  { guard: 'exitedBlocked', target: 'blocked', actions: 'recordExit' },
  { guard: 'exitedComplete', target: 'completed', actions: 'recordExit' },
  waitForQuota,
  blockOnLimit,
  { guard: 'isCurrentExit', ...failWith },
] as const;

/** Exit transitions while the worker works or waits: open items mean it failed. */
export const exitWhileWorking = [
  { guard: 'exitedWithError', ...failWith },
  { guard: 'exitedBlockedWithLateAnswer', ...lateAnswer },
  { guard: 'exitedBlocked', target: 'blocked', actions: 'recordExit' },
  { guard: 'exitedComplete', target: 'completed', actions: 'recordExit' },
  waitForQuota,
  blockOnLimit,
  { guard: 'isCurrentExit', ...failWith },
] as const;

/**
 * Exit transitions after the answer deadline: a worker that gave up waiting (exit 0, or stopped
 * by us after the grace) is blocked, not failed; any other exit keeps its classified cause.
 */
export const exitAfterDeadline = [
  { guard: 'exitedWithError', ...failWith },
  { guard: 'gaveUpWithLateAnswer', ...lateAnswer },
  { guard: 'exitedBlocked', target: 'blocked', actions: 'recordExit' },
  { guard: 'exitedComplete', target: 'completed', actions: 'recordExit' },
  waitForQuota,
  blockOnLimit,
  { guard: 'gaveUpWaiting', target: 'blocked', actions: 'recordExit' },
  { guard: 'isCurrentExit', ...failWith },
] as const;

/** The wall-clock limit passed: stop the worker; the task blocks until the limit is raised (or fails, by its policy). */
export const timeoutTransition = [
  {
    guard: 'pausesOnTimeLimit',
    target: 'blocked',
    actions: ['blockOnTimeLimit', { type: 'stopWorker', params: { reason: 'timeout' } }],
  },
  { target: 'failed', actions: ['failWithTimeout', { type: 'stopWorker', params: { reason: 'timeout' } }] },
] as const;

/** Every attempt waits in `queued` until its quota resets, when it waits for one. */
export const quotaDeadline = {
  src: 'deadline',
  id: 'quota-deadline',
  input: ({ context }: { context: TaskContext }): DeadlineInput => ({
    at: context.waiting?.until ?? null,
    event: { type: 'quota.reset' },
  }),
} as const;

/** Every state with a live worker keeps the attempt's wall-clock deadline. */
export const taskDeadline = {
  src: 'deadline',
  id: 'task-deadline',
  input: ({ context }: { context: TaskContext }): DeadlineInput => ({
    at: context.deadlines.task,
    event: { type: 'task.timeout' },
  }),
} as const;
