import { EMPTY_PLAN, type PlanFacts, SETUP_FAILED_EXIT, type TaskEvent } from '@dispatch/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readExitRecord } from './attempts.js';

import type { TaskPaths } from './paths.js';
import { summarizePlan } from './plan/summary.js';
import { listIpc, readQuestion } from './questions.js';
import { readPlan } from './plan-file.js';
import type { ExitClassifier } from './task-state.js';
import type { Fact } from './watch/index.js';
import { FILE_LIMITS, readDataFileSync } from './safe-read.js';

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
        ? {
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
