import type { WorkerCommand } from '@dispatch/backends';
import type { ExecutorKind } from '@dispatch/config';
import type { EngineEnd, TaskPaths } from '@dispatch/ipc-fs';

/** One claimed attempt to put on an executor: the worker's command, where it runs, its environment. */
export interface AttemptLaunch {
  paths: TaskPaths;
  attempt: number;
  command: WorkerCommand;
  /** The workspace (or its worktree): the same absolute path wherever the worker runs. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Where an attempt's worker is, as its executor knows besides the wrapper's pid and exit records:
 * `none` when nothing was launched under the claim (the daemon died in between), `alive` while
 * it may still run (a wrapper process, a job pending or running, or an engine that does not
 * answer right now), `gone` once it ended — with the engine's word on how, where there is one.
 */
export type Presence = { is: 'none' } | { is: 'alive' } | { is: 'gone'; end?: EngineEnd };

/**
 * Where an attempt runs: `local` processes, or the jobs of a cluster engine. The protocol is the
 * same everywhere — the wrapper writes the pid and exit records, the worker the plan and ipc/
 * files — so an executor only launches, looks and stops; the task host does the rest.
 */
export interface Executor {
  /** The executor's name in the config (`local`, `hpc`). */
  readonly name: string;
  readonly kind: ExecutorKind;
  /** How often `presence` may be asked while something waits on it (an engine query is a process). */
  readonly presenceEveryMs: number;
  /** How often a waiter looks for the attempt's records meanwhile (another node's writes may come late). */
  readonly recordsEveryMs: number;
  /** Launches a claimed attempt once; when it resolves, `presence` no longer says `none`. */
  launch(run: AttemptLaunch): Promise<void>;
  /** `fresh`: the engine's word now, not one it gave within `presenceEveryMs`. */
  presence(paths: TaskPaths, attempt: number, fresh?: boolean): Promise<Presence>;
  /** Ends every process of the attempt (a cancel, a time limit); `graceMs` before force, where it decides. */
  stop(paths: TaskPaths, attempt: number, graceMs: number): Promise<void>;
}
