import type { TaskEvent, PlanFacts } from '@dispatch/core';
import { EMPTY_PLAN } from '@dispatch/core';
import { readExitRecord, readPlan, readQuestion, summarizePlan, type Fact, type TaskPaths } from '@dispatch/ipc-fs';

/** The plan's counts now (an empty plan while plan.md is missing). */
export async function planFacts(paths: TaskPaths): Promise<PlanFacts> {
  const plan = await readPlan(paths.plan);
  return plan ? summarizePlan(plan) : EMPTY_PLAN;
}

/**
 * The machine event a file fact stands for, read from the files it names; null for facts that
 * are not machine events (a new task folder, a request, an ack) or whose file vanished.
 */
export async function eventFromFact(fact: Fact, paths: TaskPaths, now: number): Promise<TaskEvent | null> {
  switch (fact.type) {
    case 'question': {
      const text = await readQuestion(paths.ipc, fact.seq);
      return text === null ? null : { type: 'question.asked', question: { seq: fact.seq, text }, at: now };
    }
    case 'answer':
      return { type: 'question.answered', question: { seq: fact.seq }, at: now };
    case 'worker-done':
      return { type: 'worker.done', at: now };
    case 'plan':
      return { type: 'plan.changed', plan: await planFacts(paths), at: now };
    case 'exit': {
      const record = await readExitRecord(paths.attempts, fact.attempt);
      if (!record) return null;
      return { type: 'worker.exited', attempt: fact.attempt, code: record.code, signal: record.signal, plan: await planFacts(paths), at: now };
    }
    default:
      return null;
  }
}
