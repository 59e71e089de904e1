import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  advanceTo,
  applyEvent,
  EMPTY_PLAN,
  isFinalState,
  type LogEvent,
  nextDeadline,
  replay,
  restoreSnapshot,
  samePlanFacts,
  stateOf,
  type TaskContext,
  type TaskCreatedEvent,
  type TaskError,
  type TaskEvent,
  type TaskSnapshot,
  type TaskState,
} from '@dispatch/core';
import { type AttemptClaim, attemptFiles, type ExitRecord, readAttemptClaimSync } from './attempts.js';
import {
  cachedPlan,
  type DerivationInputs,
  readDerivedCache,
  stampInputs,
  writeDerivedCache,
} from './derived-cache.js';
import { readEventLog, readEventLogSync, toMachineEvents, type LoggedEvent } from './events-log.js';
import { exitedEvent } from './fact-events.js';
import { summarizePlan } from './plan/summary.js';
import { taskPaths, type TaskPaths } from './paths.js';
import { readPlan } from './plan-file.js';
import type { Plan } from './plan/types.js';
import { ipcFileName, listIpc, readQuestion } from './questions.js';
import { readTaskFile, type TaskFile } from './task-file.js';
import { checkTaskFolder } from './folder-trust.js';

/** A task as the files say it is: its log replayed, plus the facts the log has not recorded yet. */
export interface DerivedTask {
  paths: TaskPaths;
  task: TaskFile;
  /** The machine's snapshot (from a cached derivation, built when first read: it needs the machine). */
  readonly snapshot: TaskSnapshot;
  state: TaskState;
  /** The snapshot's context: what a reader asks of the task, without the machine. */
  context: TaskContext;
  /** The snapshot of the log alone, before `unrecorded` was applied. */
  readonly recorded: TaskSnapshot;
  plan: Plan | null;
  /**
   * Events for what happened that the log has not recorded — facts found on disk, and deadlines
   * that fell due meanwhile — in time order, each one that changed the task; a host logs them.
   */
  unrecorded: TaskEvent[];
  /** The log as read (the daemon appends `unrecorded` after these). */
  logged: LoggedEvent[];
  /** The log's last line was torn by a killed writer. */
  tornLog: boolean;
  /** What a reader should be told: lines of unknown types or without their facts, skipped (`<file>:<line>: ...`). */
  warnings: string[];
  /** The current attempt's claim (its backend, model and executor), null before the first; read when asked. */
  readonly claim: AttemptClaim | null;
}

/**
 * How a host classifies a worker's failed exit of attempt `attempt` (backends read worker.log);
 * none by default.
 */
export type ExitClassifier = (record: ExitRecord, paths: TaskPaths, attempt: number) => Promise<TaskError | null>;

/**
 * What attempt `attempt`'s still-running worker shows in its output that it is stuck on, for a
 * wall-clock limit that fell due (the host's deadline actor adds the same); none by default.
 */
export type StuckClassifier = (paths: TaskPaths, attempt: number) => Promise<TaskError | null>;

/**
 * Options of `deriveTaskState`. The exit classifier is required: every reader must name the same
 * cause for one exit (the runtime's `classifiers`; ipc-fs knows no CLI's messages).
 */
export interface DeriveOptions {
  classify: ExitClassifier;
  classifyStuck?: StuckClassifier;
  /** Deadlines due by this moment are applied (default: now). */
  now?: number;
  /**
   * Read and keep a cached derivation (derived-cache.ts) made by derivation code `cache` (a build
   * id: the classifiers and the machine are part of what a derivation means). Commands pass it; a
   * host that logs `unrecorded` derives afresh.
   */
  cache?: string;
}

async function mtimeOf(path: string): Promise<number | null> {
  try {
    return Math.floor(statSync(path).mtimeMs);
  } catch {
    return null;
  }
}

function createdFrom(task: TaskFile): TaskCreatedEvent {
  const createdAt = Date.parse(task.createdAt);
  const { answerTimeout, timeLimit, budgetUsd, quotaCooldown } = task.options;
  const input = {
    id: task.id,
    model: task.model,
    createdAt,
    ...(answerTimeout !== undefined && { answerTimeoutMs: answerTimeout * 1000 }),
    ...(typeof timeLimit === 'number' && { timeLimitMs: timeLimit * 1000 }),
    ...(typeof budgetUsd === 'number' && { budgetUsd }),
    ...(typeof quotaCooldown === 'number' && { quotaCooldownMs: quotaCooldown * 1000 }),
    onLimit: limitPolicyOf(task),
  };
  return { type: 'task.created', at: createdAt, input };
}

/** A task's limit policy: a task.json from before limits paused names none, and fails on them. */
function limitPolicyOf(task: TaskFile): 'pause' | 'fail' {
  return task.options.onLimit === 'pause' ? 'pause' : 'fail';
}

/**
 * The log's first line as the machine reads it: a `task.created` logged before limits paused has
 * no `onLimit`, and its task behaves as it did then (fails on limits), replayed or live.
 */
function withLimitPolicy(created: TaskCreatedEvent): TaskCreatedEvent {
  if (created.input.onLimit !== undefined) return created;
  return { ...created, input: { ...created.input, onLimit: 'fail' } };
}

/** Facts on disk the log has not recorded, each stamped with its file's time, in protocol order. */
async function factsOnDisk(
  paths: TaskPaths,
  plan: Plan | null,
  recorded: TaskSnapshot,
  history: readonly LogEvent[],
  options: DeriveOptions,
) {
  const asked = new Set<number>();
  const answered = new Set<number>();
  const exited = new Set<number>();
  for (const e of history) {
    const q = (e as { question?: { seq?: number } }).question?.seq;
    if (e.type === 'question.asked' && q !== undefined) asked.add(q);
    if (e.type === 'question.answered' && q !== undefined) answered.add(q);
    if (e.type === 'worker.exited') exited.add((e as { attempt: number }).attempt);
  }
  const found: { event: TaskEvent; rank: number }[] = [];
  const fallback = recorded.context.updatedAt;
  const facts = plan ? summarizePlan(plan) : EMPTY_PLAN;
  const planTime = plan ? await mtimeOf(paths.plan) : null;
  if (planTime !== null && !samePlanFacts(facts, recorded.context.plan)) {
    found.push({ rank: 0, event: { type: 'plan.changed', plan: facts, at: planTime } });
  }
  const ipc = await listIpc(paths.ipc);
  for (const seq of ipc.questions) {
    const file = join(paths.ipc, ipcFileName(seq, 'question'));
    const text = asked.has(seq) ? null : await readQuestion(paths.ipc, seq);
    if (text !== null)
      found.push({
        rank: 1,
        event: { type: 'question.asked', question: { seq, text }, at: (await mtimeOf(file)) ?? fallback },
      });
    if (ipc.answers.has(seq) && !answered.has(seq)) {
      const at = (await mtimeOf(join(paths.ipc, ipcFileName(seq, 'answer')))) ?? fallback;
      found.push({ rank: 2, event: { type: 'question.answered', question: { seq }, at } });
    }
  }
  const { attempt, startedAt } = recorded.context;
  const doneAt = ipc.workerDone ? await mtimeOf(paths.doneMarker) : null;
  // Only a marker the current attempt's worker wrote (an earlier worker's stays on disk).
  if (doneAt !== null && startedAt !== null && doneAt >= startedAt)
    found.push({ rank: 3, event: { type: 'worker.done', at: doneAt } });
  if (attempt > 0 && !exited.has(attempt)) {
    // Read before its time is taken: a record written in between must not get the log's last time.
    const exit = await exitedEvent(paths, attempt, 0, options.classify);
    if (exit) {
      // What the worker did came before its exit, whatever the file times say (a clock tick,
      // another node's clock): its questions, its plan, and the answers it acknowledged. An exit
      // ordered first would hide them. An answer it never acknowledged may have come after.
      const acked = new Set(exit.type === 'worker.exited' ? (exit.acks ?? []) : []);
      const own = found
        .filter((f) => f.event.type !== 'question.answered' || acked.has(f.event.question.seq))
        .map((f) => f.event.at);
      const stamped = (await mtimeOf(attemptFiles(paths.attempts, attempt).exit)) ?? options.now ?? Date.now();
      found.push({ rank: 4, event: { ...exit, at: Math.max(stamped, ...own) } });
    }
  }
  return found.sort((x, y) => x.event.at - y.event.at || x.rank - y.rank).map((f) => f.event);
}

/**
 * The one function that says what state a task is in. It replays `events.jsonl` through the task
 * machine, then applies what the log has not recorded yet: the facts on disk (a plan change,
 * questions, answers, the `.done` marker, the current attempt's exit record) in the order they
 * happened, and the deadlines that fell due between them and up to `now`. `status`, the inspector
 * and a restarting daemon all call it, so they never disagree; the daemon appends `unrecorded` to
 * the log, after which the log alone says the same.
 * @example const { state, snapshot } = await deriveTaskState(dispatchDir, 'security-review', { classify: classifyExit })
 */
export async function deriveTaskState(dispatchDir: string, id: string, options: DeriveOptions): Promise<DerivedTask> {
  const paths = taskPaths(dispatchDir, id);
  checkTaskFolder(dispatchDir, paths);
  const now = options.now ?? Date.now();
  if (options.cache === undefined) return derive(paths, options, now, null);
  return (await fromCache(paths, options.cache, now)) ?? derive(paths, options, now, stampInputs(paths));
}

/** A derivation kept by an earlier reader, if it still holds (its plan's counts included). */
async function fromCache(paths: TaskPaths, code: string, now: number): Promise<DerivedTask | null> {
  const entry = readDerivedCache(paths, code, now);
  if (entry === null) return null;
  const kept = cachedPlan(paths, entry);
  const plan = kept === undefined ? await readPlan(paths.plan) : kept;
  // A plan edited since (its counts, not just its notes) is a fact the log has not recorded.
  if (!isFinalState(entry.state) && !samePlanFacts(plan ? summarizePlan(plan) : EMPTY_PLAN, entry.context.plan))
    return null;
  let logged: LoggedEvent[] | undefined;
  let snapshot: TaskSnapshot | undefined;
  const restored = () => (snapshot ??= restoreSnapshot(entry.state, entry.context));
  return {
    paths,
    task: entry.taskFile,
    // Restored only for a reader that asks: `status`, `wait` and `answer` read state and context.
    get snapshot() {
      return restored();
    },
    get recorded() {
      return restored();
    },
    state: entry.state,
    context: entry.context,
    plan,
    unrecorded: [],
    // Read only by those who ask (the attempt history, the inspector's timeline).
    get logged() {
      logged ??= readEventLogSync(paths.events).events;
      return logged;
    },
    tornLog: false,
    warnings: [],
    claim: entry.claim,
  };
}

/** The claim of the snapshot's current attempt, read once when first asked for. */
function claimOf(paths: TaskPaths, snapshot: TaskSnapshot): () => AttemptClaim | null {
  let claim: AttemptClaim | null | undefined;
  return () => {
    const { attempt } = snapshot.context;
    claim ??= attempt > 0 ? readAttemptClaimSync(paths.attempts, attempt) : null;
    return claim;
  };
}

async function derive(
  paths: TaskPaths,
  options: DeriveOptions,
  now: number,
  inputs: DerivationInputs | null,
): Promise<DerivedTask> {
  const task = await readTaskFile(paths);
  const { events: logged, torn, unknown, malformed } = await readEventLog(paths.events);
  const warnings = [
    ...malformed.map((m) => ({
      line: m.line,
      text: `skipped a ${JSON.stringify(m.type)} event without the facts it carries (a damaged log?)`,
    })),
    ...unknown.map((u) => ({
      line: u.line,
      text: `skipped an event of unknown type ${JSON.stringify(u.type)} (written by a newer dispatch?)`,
    })),
  ]
    .sort((a, b) => a.line - b.line)
    .map((w) => `${paths.events}:${w.line}: ${w.text}`);
  const history: LogEvent[] = toMachineEvents(logged);
  if (history[0]?.type !== 'task.created') history.unshift(createdFrom(task));
  else history[0] = withLimitPolicy(history[0] as TaskCreatedEvent);
  const recorded = replay(history);

  let snapshot = recorded;
  const unrecorded: TaskEvent[] = [];
  const apply = (event: TaskEvent) => {
    const next = applyEvent(snapshot, event);
    // A fact that changes nothing (seen before, or after a final state) is not news.
    if (next.value === snapshot.value && next.context === snapshot.context) return;
    unrecorded.push(event);
    snapshot = next;
  };
  // A wall-clock limit that fell due with no host to see it carries the cause the output shows,
  // as the host's own timeout does, so `status` says the same before and after the daemon logs it.
  const { attempt, deadlines } = recorded.context;
  const stuck = options.classifyStuck && deadlines.task !== null && deadlines.task <= now && attempt > 0;
  const facts = { timeoutCause: stuck ? await options.classifyStuck!(paths, attempt).catch(() => null) : null };
  const advance = (until: number) => {
    const due = advanceTo(snapshot, until, facts);
    unrecorded.push(...due.events);
    snapshot = due.snapshot;
  };
  const plan = await readPlan(paths.plan);
  for (const event of await factsOnDisk(paths, plan, recorded, history, options)) {
    advance(event.at);
    apply(event);
  }
  advance(now);
  const state = stateOf(snapshot);
  const claim = claimOf(paths, snapshot);
  // Kept only when the log says it all (nothing unrecorded, nothing skipped).
  if (inputs !== null && options.cache !== undefined && unrecorded.length === 0 && !torn && warnings.length === 0) {
    const final = snapshot.status !== 'active';
    writeDerivedCache(
      paths,
      options.cache,
      inputs,
      { task, state, snapshot, final, until: nextDeadline(snapshot), plan, claim },
      now,
    );
  }
  return {
    paths,
    task,
    snapshot,
    state,
    context: snapshot.context,
    recorded,
    plan,
    unrecorded,
    logged,
    tornLog: torn,
    warnings,
    get claim() {
      return claim();
    },
  };
}
