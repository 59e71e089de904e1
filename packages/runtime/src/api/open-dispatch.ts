import { dispatchHome } from '@dispatch/config';
import type { Caller } from '../caller.js';
import { toDispatchError, usageError } from '../errors.js';
import type { Condition } from '../tasks/conditions.js';
import { deriveTasks, ensureDaemonIfUnfinished, isFinal } from '../tasks/task-list.js';
import { workspaceOf } from '../workspace.js';
import { answerTask, type AnswerResult } from './answer.js';
import { cancelTask, type ContinueOptions, continueTask, noteTask, retryTask, type RequestResult } from './requests.js';
import { taskResult, type TaskResult } from './result.js';
import { createTask, type RunInput, type RunResult } from './run-task.js';
import { statusOf, type TaskStatus } from './task-status.js';
import { watchConditions } from './watch-conditions.js';

/** Where an embedding app works. */
export interface OpenOptions {
  /** The workspace (its `.dispatch` is found from here as the CLI finds it); default: process.cwd(). */
  cwd?: string;
  /** `DISPATCH_HOME`; default: `$DISPATCH_HOME`, else `~/.dispatch`. */
  home?: string;
  /** The environment workers get and the config is found with; default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The dispatch executable for the daemon and `$DISPATCH_BIN`; default: the runtime's own (`dispatch-runtime`). */
  bin?: string;
}

/** The embedding API (DESIGN.md, "Embedding"): each method resolves to what the CLI's `--json` prints. */
export interface Dispatch {
  /** The workspace's `.dispatch` directory and the home in use. */
  readonly dispatchDir: string;
  readonly home: string;
  run(input: RunInput): Promise<RunResult>;
  status(): Promise<TaskStatus[]>;
  status(id: string): Promise<TaskStatus>;
  /** Every notable condition (a `wait --json` line) as it happens, those holding now first; ends when `signal` aborts. */
  watch(options?: { ids?: readonly string[]; signal?: AbortSignal }): AsyncIterable<Condition>;
  answer(id: string, text: string, options?: { question?: number }): Promise<AnswerResult>;
  continue(id: string, options?: ContinueOptions): Promise<RequestResult>;
  retry(id: string, options?: { model?: string }): Promise<RequestResult>;
  cancel(id: string): Promise<RequestResult>;
  note(id: string, text: string): Promise<RequestResult>;
  result(id: string): Promise<TaskResult>;
  /** Ends every watch still open. Tasks and the daemon go on. */
  close(): Promise<void>;
}

/** Runs `fn`, turning anything it throws into a DispatchError (a `code` and one line). */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDispatchError(err);
  }
}

/**
 * Opens dispatch for an app: the same tasks, files and daemon as the CLI's for the same
 * workspace and home, so a task started here can be answered there and the other way round.
 * @example
 * const d = await openDispatch({ cwd: repo });
 * const { id } = await d.run({ prompt: 'review the auth module', model: 'sim' });
 * for await (const c of d.watch({ ids: [id] })) if (c.type === 'question') await d.answer(id, 'JWT');
 */
export async function openDispatch(options: OpenOptions = {}): Promise<Dispatch> {
  const env = { ...(options.env ?? process.env), ...(options.home !== undefined && { DISPATCH_HOME: options.home }) };
  const caller: Caller = { env, cwd: options.cwd ?? process.cwd(), bin: options.bin };
  const { dispatchDir } = workspaceOf(caller);
  const watches = new Set<AbortController>();

  async function status(id?: string): Promise<TaskStatus | TaskStatus[]> {
    return guarded(async () => {
      const tasks = await deriveTasks(dispatchDir, id === undefined ? [] : [id]);
      await ensureDaemonIfUnfinished(caller, tasks);
      const all = await statusOf(tasks);
      return id === undefined ? all : all[0]!;
    });
  }

  async function* watch(opts: { ids?: readonly string[]; signal?: AbortSignal } = {}): AsyncGenerator<Condition> {
    const controller = new AbortController();
    const stop = () => controller.abort();
    opts.signal?.addEventListener('abort', stop);
    if (opts.signal?.aborted) stop();
    watches.add(controller);
    try {
      const ids = opts.ids ?? [];
      const initial = await guarded(() => deriveTasks(dispatchDir, ids));
      await ensureDaemonIfUnfinished(caller, initial);
      const finishedBefore = new Set(
        ids.length > 0 ? [] : initial.filter((t) => isFinal(t.state)).map((t) => t.task.id),
      );
      yield* watchConditions(caller, { dispatchDir, ids, finishedBefore }, controller.signal);
    } finally {
      opts.signal?.removeEventListener('abort', stop);
      watches.delete(controller);
    }
  }

  return {
    dispatchDir,
    home: dispatchHome(env),
    run: (input) => guarded(async () => (await createTask(caller, input)).result),
    status: status as Dispatch['status'],
    watch,
    answer: (id, text, opts) => guarded(() => answerTask(caller, id, text, opts)),
    continue: (id, opts) =>
      guarded(() => {
        if (opts?.answer !== undefined && typeof opts.answer !== 'string')
          throw usageError('continue: the answer is text', 'invalid-input');
        return continueTask(caller, id, opts ?? {});
      }),
    retry: (id, opts) => guarded(() => retryTask(caller, id, opts)),
    cancel: (id) => guarded(() => cancelTask(caller, id)),
    note: (id, text) => guarded(() => noteTask(caller, id, text)),
    result: (id) => guarded(async () => (await taskResult(caller, id)).result),
    async close() {
      for (const w of watches) w.abort();
    },
  };
}
