import { EMPTY_PLAN, type PlanFacts, SETUP_FAILED_EXIT, type TaskEvent } from '@dispatch/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EngineEnd, readExitRecord } from './attempts.js';

import type { TaskPaths } from './paths.js';
import { summarizePlan } from './plan/summary.js';
import { listIpc, readQuestion } from './questions.js';
import { readPlan } from './plan-file.js';
import type { ExitClassifier } from './task-state.js';
import type { Fact } from './watch/index.js';
import { FILE_LIMITS, readDataFileSync } from './safe-read.js';

const ENGINE_NAMES: Record<string, string> = { slurm: 'Slurm' };

/**
 * Why an attempt whose cluster job ended without the wrapper's exit record failed, in the engine's
 * words: its state (and reason) always named. The engine's time limit is a `timeout`; every other
 * end (a cancel from outside dispatch, a node failure, a preemption, the batch script killed) is
 * an `interrupted` attempt.
 */
export function engineEndCause(
  end: EngineEnd,
  signal: string | null = null,
): { kind: 'timeout' | 'interrupted'; message: string } {
  const engine = ENGINE_NAMES[end.kind] ?? end.kind;
  const reason = end.reason && end.reason !== 'None' ? ` (${end.reason})` : '';
  const why: Record<string, string> = {
    CANCELLED: 'cancelled outside dispatch',
    TIMEOUT: `${engine}'s time limit for the job was reached`,
    NODE_FAIL: 'its node failed',
    PREEMPTED: 'it was preempted',
    OUT_OF_MEMORY: 'it ran out of memory',
    BOOT_FAIL: 'its node failed to boot',
    DEADLINE: 'it reached its deadline',
    GONE: `${engine} no longer knows the job`,
  };
  const what = why[end.state] ?? 'the worker ended without a record of how';
  const how = signal === null ? "without the worker's exit record" : `(the worker got ${signal})`;
  return {
    kind: end.state === 'TIMEOUT' ? 'timeout' : 'interrupted',
    message: `${engine} job ${end.job} ended ${end.state}${reason} ${how}: ${what}`,
  };
}

/** The plan's counts now (an empty plan while plan.md is missing). */
export async function readPlanFacts(paths: TaskPaths): Promise<PlanFacts> {
  const plan = await readPlan(paths.plan);
  return plan ? summarizePlan(plan) : EMPTY_PLAN;
}

/**
 * The `worker.exited` event for attempt `n`, from its exit record and the files as they are now:
 * the plan's counts (the plan is the contract), the answers the worker acknowledged, and — for
 * a failed exit — the cause a classifier names. Null while the attempt has no exit record.
 */
export async function exitedEvent(
  paths: TaskPaths,
  attempt: number,
  at: number,
  classify?: ExitClassifier,
): Promise<TaskEvent | null> {
  const record = await readExitRecord(paths.attempts, attempt);
  if (!record) return null;
  const failed = record.code !== 0 || record.signal !== null;
  // The plan is the contract: an item the worker marked [!] says what went wrong, in its words.
  const marked = (await readPlan(paths.plan))?.items.find((i) => i.mark === 'error');
  const planError = marked && {
    kind: 'plan-error' as const,
    message: marked.detail ? `${marked.text}: ${marked.detail.replace(/^Error:\s*/i, '')}` : marked.text,
  };
  const setupFailed = record.code === SETUP_FAILED_EXIT && existsSync(join(paths.dir, 'setup.failed'));
  const cause = planError
    ? planError
    : setupFailed
      ? {
          kind: 'setup' as const,
          message: `the worktree setup command failed (exit ${readDataFileSync(join(paths.dir, 'setup.failed'), { limit: FILE_LIMITS.record, truncate: true }).trim()}): see dispatch logs ${paths.id}`,
        }
      : record.lost
        ? record.engine
          ? engineEndCause(record.engine)
          : {
              kind: 'interrupted' as const,
              message:
                'the worker was lost: it ended without a record of how (its wrapper was killed or the machine restarted)',
            }
        : failed
          ? ((await classify?.(record, paths, attempt)) ?? null)
          : null;
  const acks = [...(await listIpc(paths.ipc)).acks].sort((a, b) => a - b);
  const plan = await readPlanFacts(paths);
  return {
    type: 'worker.exited',
    attempt,
    code: record.code,
    signal: record.signal,
    plan,
    acks,
    ...(cause && { cause }),
    at,
  };
}

/**
 * The machine event a file fact stands for, read from the files it names; null for facts that
 * are not machine events (a new task folder, a request, an ack) or whose file vanished. Hosts and
 * `deriveTaskState` build events the same way, so a live run and a restart agree.
 */
export async function eventFromFact(
  fact: Fact,
  paths: TaskPaths,
  at: number,
  classify?: ExitClassifier,
): Promise<TaskEvent | null> {
  switch (fact.type) {
    case 'question': {
      const text = await readQuestion(paths.ipc, fact.seq);
      return text === null ? null : { type: 'question.asked', question: { seq: fact.seq, text }, at };
    }
    case 'answer':
      return { type: 'question.answered', question: { seq: fact.seq }, at };
    case 'worker-done':
      return { type: 'worker.done', at };
    case 'plan':
      return { type: 'plan.changed', plan: await readPlanFacts(paths), at };
    case 'exit':
      return exitedEvent(paths, fact.attempt, at, classify);
    default:
      return null;
  }
}
