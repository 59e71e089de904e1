import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyEvent,
  replay,
  samePlanFacts,
  stateOf,
  type LogEvent,
  type TaskCreatedEvent,
  type TaskError,
  type TaskEvent,
  type TaskSnapshot,
  type TaskState,
} from '@dispatch/core';
import { attemptFiles, readExitRecord, type ExitRecord } from './attempts.js';
import { isErrno } from './errors.js';
import { readEventLog, toMachineEvents, type LoggedEvent } from './events-log.js';
import { taskPaths, type TaskPaths } from './paths.js';
import { parsePlan } from './plan/parse.js';
import { summarizePlan } from './plan/summary.js';
import type { Plan } from './plan/types.js';
import { ipcFileName, listIpc, readQuestion } from './questions.js';
import { readTaskFile, type TaskFile } from './task-file.js';

/** A task as the files say it is: its log replayed, plus the facts the log has not recorded yet. */
export interface DerivedTask {
  paths: TaskPaths;
  task: TaskFile;
  snapshot: TaskSnapshot;
  state: TaskState;
  /** The snapshot of the log alone, before `unrecorded` was applied. */
  recorded: TaskSnapshot;
  plan: Plan | null;
  /** Events for facts found on disk but not in the log, in the order they were applied. */
  unrecorded: TaskEvent[];
  /** The log as read (the daemon appends `unrecorded` after these). */
  logged: LoggedEvent[];
  /** The log's last line was torn by a killed writer. */
  tornLog: boolean;
}

/** How a host classifies a worker's failed exit (backends read worker.log); none by default. */
export type ExitClassifier = (record: ExitRecord, paths: TaskPaths) => Promise<TaskError | null>;

async function mtimeOf(path: string, fallback: number): Promise<number> {
  try {
    return Math.floor((await stat(path)).mtimeMs);
  } catch {
    return fallback;
  }
}

/** plan.md parsed, or null while it does not exist. */
export async function readPlan(path: string): Promise<Plan | null> {
  try {
    return parsePlan(await readFile(path, 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

function createdFrom(task: TaskFile): TaskCreatedEvent {
  const createdAt = Date.parse(task.createdAt);
  const input = { id: task.id, model: task.model, createdAt };
  const timeout = task.options.answerTimeout;
  return {
    type: 'task.created',
    at: createdAt,
    input: timeout === undefined ? input : { ...input, answerTimeoutMs: timeout * 1000 },
  };
}

/**
 * The one function that says what state a task is in. It replays `events.jsonl` through the task
 * machine, then applies, as events, the facts on disk the log has not recorded yet: a plan
 * change, questions, answers, the `.done` marker, the current attempt's exit record. `status`,
 * the inspector and a restarting daemon all call it, so they never disagree; the daemon appends
 * `unrecorded` to the log, after which the log alone says the same.
 * @example const { state, snapshot } = await deriveTaskState(dispatchDir, 'security-review')
 */
export async function deriveTaskState(
  dispatchDir: string,
  id: string,
  classify?: ExitClassifier,
): Promise<DerivedTask> {
  const paths = taskPaths(dispatchDir, id);
  const task = await readTaskFile(paths);
  const { events: logged, torn } = await readEventLog(paths.events);
  const history: LogEvent[] = toMachineEvents(logged);
  if (history[0]?.type !== 'task.created') history.unshift(createdFrom(task));
  const recorded = replay(history);

  const asked = new Set<number>();
  const answered = new Set<number>();
  const exited = new Set<number>();
  for (const e of history) {
    const q = (e as { question?: { seq?: number } }).question?.seq;
    if (e.type === 'question.asked' && q !== undefined) asked.add(q);
    if (e.type === 'question.answered' && q !== undefined) answered.add(q);
    if (e.type === 'worker.exited') exited.add((e as { attempt: number }).attempt);
  }

  // Facts found on disk, each stamped with its file's mtime; applied in time order (ties in
  // protocol order: plan, question, answer, done marker, exit), so the log reads as it happened.
  const found: { event: TaskEvent; rank: number }[] = [];
  const now = recorded.context.updatedAt;
  const plan = await readPlan(paths.plan);
  const facts = plan ? summarizePlan(plan) : null;
  if (facts && !samePlanFacts(facts, recorded.context.plan)) {
    found.push({ rank: 0, event: { type: 'plan.changed', plan: facts, at: await mtimeOf(paths.plan, now) } });
  }
  const ipc = await listIpc(paths.ipc);
  for (const seq of ipc.questions) {
    if (asked.has(seq)) continue;
    const text = await readQuestion(paths.ipc, seq);
    if (text === null) continue;
    const at = await mtimeOf(join(paths.ipc, ipcFileName(seq, 'question')), now);
    found.push({ rank: 1, event: { type: 'question.asked', question: { seq, text }, at } });
  }
  for (const seq of ipc.questions) {
    if (!ipc.answers.has(seq) || answered.has(seq)) continue;
    const at = await mtimeOf(join(paths.ipc, ipcFileName(seq, 'answer')), now);
    found.push({ rank: 2, event: { type: 'question.answered', question: { seq }, at } });
  }
  const attempt = recorded.context.attempt;
  if (ipc.workerDone && !recorded.context.doneMarker && attempt > 0) {
    found.push({ rank: 3, event: { type: 'worker.done', at: await mtimeOf(paths.doneMarker, now) } });
  }
  if (attempt > 0 && !exited.has(attempt)) {
    const record = await readExitRecord(paths.attempts, attempt);
    if (record) {
      const cause = record.code === 0 && record.signal === null ? null : ((await classify?.(record, paths)) ?? null);
      const at = await mtimeOf(attemptFiles(paths.attempts, attempt).exit, Date.parse(record.at) || now);
      const exit = { type: 'worker.exited', attempt, code: record.code, signal: record.signal, plan: facts ?? recorded.context.plan, at } as const;
      found.push({ rank: 4, event: cause ? { ...exit, cause } : exit });
    }
  }
  found.sort((x, y) => x.event.at - y.event.at || x.rank - y.rank);
  const unrecorded = found.map((f) => f.event);
  let snapshot = recorded;
  for (const event of unrecorded) snapshot = applyEvent(snapshot, event);
  return { paths, task, snapshot, state: stateOf(snapshot), recorded, plan, unrecorded, logged, tornLog: torn };
}
