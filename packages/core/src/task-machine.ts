import { assign } from 'xstate';
import type { DeadlineInput } from './deadline.js';
import { samePlanFacts } from './guards.js';
import { STATE_TAGS } from './state-tags.js';
import { answerDeadlineOf, initialContext, stoppedError } from './task-context.js';
import {
  exitAfterDeadline,
  exitBeforeStart,
  exitWhileWorking,
  quotaDeadline,
  taskDeadline,
  taskSetup,
  timeoutTransition,
} from './task-setup.js';

/**
 * The lifecycle of one dispatched task, as DESIGN.md draws it. Pure: spawning, stopping workers,
 * choosing a model and keeping time are the actors and actions a host supplies with
 * `taskMachine.provide(...)`; every fact arrives as a stamped event, so the same events replayed
 * from `events.jsonl` rebuild the same state.
 * Built on first use (`getTaskMachine()`): building it costs about a millisecond that a command
 * reading only cached task state (`status`, `wait`, `answer`) never needs to spend.
 * @example
 * const actor = createActor(getTaskMachine().provide({ actors: { spawnWorker, deadline } }), { input });
 * actor.start(); actor.send({ type: 'start', at: Date.now() });
 */
function buildTaskMachine() {
  return taskSetup.createMachine({
    id: 'task',
    context: ({ input }) => initialContext(input),
    initial: 'queued',
    on: {
      cancel: { target: '.cancelled' },
      // Every handler is guarded so that a fact seen twice enables no transition: the snapshot stays
      // the same object, and hosts log only events that changed it.
      'plan.changed': {
        guard: ({ context, event }) => !samePlanFacts(context.plan, event.plan),
        actions: assign(({ event }) => ({ plan: event.plan, updatedAt: event.at })),
      },
      'worker.done': {
        guard: ({ context }) => !context.doneMarker && context.workerRunning,
        actions: assign(({ event }) => ({ doneMarker: true, updatedAt: event.at })),
      },
      'question.asked': { guard: 'isNewQuestion', actions: 'recordQuestion' },
      'question.answered': { guard: 'isNewAnswer', actions: 'recordAnswer' },
    },
    states: {
      queued: {
        // Every attempt starts here, so that limits hold for continues and retries too.
        description:
          'Waiting for a free worker slot (and, before its first attempt, for its dependencies; after a quota failure, for the quota to reset).',
        tags: [...STATE_TAGS.queued],
        // Queued again, the task's unanswered questions are superseded: the next worker starts from
        // the plan (decision 0007), so nothing waits for them.
        entry: assign({ questions: [] }),
        invoke: quotaDeadline,
        on: {
          start: { guard: ({ context }) => context.waiting === null, target: 'starting' },
          // Its model rests after another task's quota failure: the cooldown is the account's.
          'quota.wait': {
            guard: ({ context, event }) => event.until > (context.waiting?.until ?? event.at),
            // Entered again, so that the reset deadline is the new one.
            target: 'queued',
            reenter: true,
            actions: assign(({ event }) => ({
              waiting: { reason: 'quota' as const, until: event.until, message: event.message },
              updatedAt: event.at,
            })),
          },
          'quota.reset': {
            guard: ({ context, event }) => context.waiting !== null && event.at >= context.waiting.until,
            actions: assign(({ event }) => ({ waiting: null, updatedAt: event.at })),
          },
          // The user (or the fallback) overrides a quota wait: another model, or the same one now.
          retry: {
            guard: ({ context }) => context.waiting !== null,
            target: 'recovering',
            actions: assign(({ event }) => ({
              requestedModel: event.model ?? null,
              waiting: null,
              updatedAt: event.at,
            })),
          },
          continue: {
            guard: ({ context }) => context.waiting !== null,
            target: 'queued',
            reenter: true,
            actions: 'continueWith',
          },
          // A re-queued task's last worker may end while it waits.
          'worker.exited': { guard: 'isUnrecordedExit', actions: 'recordExit' },
          'dependency.failed': {
            target: 'failed',
            actions: assign(({ event }) => ({
              error: { kind: 'dependency', message: event.message },
              updatedAt: event.at,
            })),
          },
        },
      },
      starting: {
        description: 'Starting the worker CLI for a new attempt (exactly once per attempt, even across restarts).',
        tags: [...STATE_TAGS.starting],
        entry: assign(({ context }) => ({
          attempt: context.attempt + 1,
          modelsTried: context.modelsTried.includes(context.model)
            ? context.modelsTried
            : [...context.modelsTried, context.model],
          error: null,
          // Questions the previous worker left unanswered are superseded: the new one starts from
          // the plan and context.md, not from a question it never asked (decision 0007).
          questions: [],
          answeredThisAttempt: [],
          doneMarker: false,
          workerPid: null,
          workerRunning: false,
          startedAt: null,
          stopRequested: false,
          requestedModel: null,
          deadlines: { answer: null, grace: null, task: null },
        })),
        invoke: {
          src: 'spawnWorker',
          id: 'worker',
          input: ({ context }) => ({
            id: context.id,
            attempt: context.attempt,
            model: context.model,
            startReason: context.startReason,
            budgetUsd: context.budgetUsd,
          }),
        },
        on: {
          'worker.started': {
            guard: ({ context, event }) => event.attempt === context.attempt,
            target: 'running',
            actions: assign(({ context, event }) => ({
              workerPid: event.pid,
              workerRunning: true,
              startedAt: event.at,
              deadlines: {
                ...context.deadlines,
                task: context.timeLimitMs === null ? null : event.at + context.timeLimitMs,
              },
              updatedAt: event.at,
            })),
          },
          'worker.spawn-failed': {
            guard: ({ context, event }) => event.attempt === context.attempt,
            target: 'failed',
            actions: assign(({ event }) => ({ error: event.error, updatedAt: event.at })),
          },
          'worker.exited': exitBeforeStart,
        },
      },
      running: {
        description: 'The worker is working through the plan.',
        tags: [...STATE_TAGS.running],
        invoke: taskDeadline,
        // Entered with a question already pending (asked while starting, or a second one): wait for it.
        always: { guard: ({ context }) => context.questions.length > 0, target: 'awaiting-answer' },
        on: {
          'question.asked': { guard: 'isUnansweredQuestion', target: 'awaiting-answer', actions: 'recordQuestion' },
          'worker.exited': exitWhileWorking,
          'worker.stalled': {
            target: 'failed',
            actions: [
              assign(({ event }) => ({
                error: stoppedError(
                  'stalled',
                  event.message ?? 'no plan change and no worker output for too long',
                  event.cause,
                ),
                updatedAt: event.at,
              })),
              { type: 'stopWorker', params: { reason: 'stalled' } },
            ],
          },
          'task.timeout': timeoutTransition,
        },
      },
      'awaiting-answer': {
        description: 'The worker asked a question and is waiting for the answer, its context intact.',
        tags: [...STATE_TAGS['awaiting-answer']],
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
              deadlines: { ...context.deadlines, answer: null, grace: event.at + context.graceMs },
              updatedAt: event.at,
            })),
          },
          'worker.exited': exitWhileWorking,
          'task.timeout': timeoutTransition,
        },
      },
      'timed-out': {
        description: 'No answer came in time; the worker is expected to save its context, mark the item [?] and stop.',
        tags: [...STATE_TAGS['timed-out']],
        invoke: [
          taskDeadline,
          {
            src: 'deadline',
            id: 'grace-deadline',
            input: ({ context }): DeadlineInput => ({
              at: context.deadlines.grace,
              event: { type: 'answer.grace-expired' },
            }),
          },
        ],
        on: {
          'question.answered': [
            { guard: 'isPending', target: 'running', actions: 'recordAnswer' },
            { guard: 'isNewAnswer', actions: 'recordAnswer' },
          ],
          'answer.grace-expired': {
            guard: ({ context }) => !context.stopRequested,
            actions: [
              assign(({ context, event }) => ({
                stopRequested: true,
                deadlines: { ...context.deadlines, grace: null },
                updatedAt: event.at,
              })),
              { type: 'stopWorker', params: { reason: 'answer-grace' } },
            ],
          },
          'worker.exited': exitAfterDeadline,
          'task.timeout': timeoutTransition,
        },
      },
      blocked: {
        description:
          'The worker stopped at a [?] item, or at its budget or time limit; an answer or `continue` (raising the limit) starts a new worker from there.',
        tags: [...STATE_TAGS.blocked],
        on: {
          continue: { target: 'queued', actions: 'continueWith' },
          'question.answered': [
            { guard: 'isPending', target: 'queued', actions: ['recordAnswer', 'continueWithLateAnswer'] },
            { guard: 'isNewAnswer', actions: 'recordAnswer' },
          ],
          'worker.exited': { guard: 'isUnrecordedExit', actions: 'recordExit' },
        },
      },
      failed: {
        description:
          'The worker could not start or did not finish the plan; the error says why. Retry, with the same or another model.',
        tags: [...STATE_TAGS.failed],
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
        tags: [...STATE_TAGS.recovering],
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
            target: 'queued',
            actions: assign(({ event }) => ({
              model: event.model,
              startReason: 'retry' as const,
              updatedAt: event.at,
            })),
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
        entry: [{ type: 'stopWorker', params: { reason: 'cancel' } }, assign(({ event }) => ({ updatedAt: event.at }))],
      },
    },
  });
}

/** The task machine's type, for hosts that provide its actors. */
export type TaskMachine = ReturnType<typeof buildTaskMachine>;

let built: TaskMachine | undefined;

/** The one task machine, built on first use (every caller gets the same instance). */
export function getTaskMachine(): TaskMachine {
  built ??= buildTaskMachine();
  return built;
}
