import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isSameProcess } from '@dispatch/backends';
import { FINAL_STATES, replay, stateOf, type TaskState } from '@dispatch/core';
import {
  findStaleTemps,
  listAttempts,
  listIpc,
  readAttemptClaim,
  readEngineView,
  readEventLog,
  readExitRecord,
  readJobRecord,
  readPidRecord,
  readWrapperRecord,
  toMachineEvents,
  type LoggedEvent,
} from '@dispatch/ipc-fs';
import { leftoverGroupMembers } from './processes.js';
import { sleep } from './wait-for.js';
import type { Workspace } from './workspace.js';

/** What the checker looked at, for a scenario's figures. */
export interface InvariantReport {
  tasks: number;
  /** Tasks per state, as `status --json` reports them. */
  states: Partial<Record<TaskState, number>>;
  questions: number;
  answers: number;
  acks: number;
  attempts: number;
  /** Job records of attempts run by a cluster engine (`attempts/<n>.job.json`). */
  jobs: number;
  events: number;
  /** Log lines skipped by readers (a line torn by a crash, fenced off by the next writer). */
  skippedLogLines: number;
}

/** How patient the checker is. */
export interface CheckOptions {
  /**
   * A workspace that was just left may still be settling (a cancel's SIGKILL after its grace, an
   * exit record on its way): look again until this long has passed (default 20 s) before failing.
   * A violation that lasts is reported; one that settles is not.
   */
  settleMs?: number;
}

/** Raised with every violation found, one per line. */
export class InvariantViolation extends Error {
  constructor(readonly violations: string[]) {
    super(
      `${violations.length} invariant violation(s):\n  ${violations.slice(0, 40).join('\n  ')}${violations.length > 40 ? `\n  … and ${violations.length - 40} more` : ''}`,
    );
    this.name = 'InvariantViolation';
  }
}

/** States in which the current attempt's worker must be alive. */
const WORKER_STATES: readonly TaskState[] = ['running', 'awaiting-answer', 'timed-out'];
/** States in which only the daemon moves the task on: they must not last. */
const TRANSIENT_STATES: readonly TaskState[] = ['queued', 'starting', 'recovering'];

type View = { id: string; state: TaskState };

const seqOf = (e: LoggedEvent) => (e.question as { seq?: number } | undefined)?.seq;
const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length;

/**
 * An attempt claimed on a cluster engine (its claim names a non-local executor): one job record
 * once its worker ran (the wrapper's pid record proves a job started; a daemon that died before
 * recording it finds it again by name), on the executor the claim names, under a job name no other
 * attempt has; the engine view status shows names that same job. Local attempts have none of these.
 */
async function checkEngineAttempt(
  id: string,
  attemptsDir: string,
  n: number,
  report: InvariantReport,
  jobNames: Map<string, string>,
  bad: (what: string) => void,
): Promise<void> {
  const executor = (await readAttemptClaim(attemptsDir, n))?.executor;
  if (executor === undefined || executor.kind === 'local') return;
  const record = await readJobRecord(attemptsDir, n);
  if (record === null) {
    if (await readPidRecord(attemptsDir, n)) bad(`attempt ${n} ran on ${executor.name} but has no job record`);
    return;
  }
  report.jobs += 1;
  if (record.executor !== executor.name || record.kind !== executor.kind)
    bad(
      `attempt ${n}'s job record names ${record.executor} (${record.kind}), its claim ${executor.name} (${executor.kind})`,
    );
  const other = jobNames.get(record.name);
  if (other !== undefined) bad(`attempt ${n}'s job name ${record.name} is also that of ${other}`);
  jobNames.set(record.name, `${id} attempt ${n}`);
  const view = await readEngineView(attemptsDir, n);
  if (view !== null && view.job !== record.job)
    bad(`attempt ${n}'s engine view names job ${view.job}, its job record ${record.job}`);
}

/** Checks one task; pushes what is wrong onto `out`. */
async function checkTask(
  ws: Workspace,
  view: View,
  report: InvariantReport,
  out: string[],
  jobNames: Map<string, string>,
): Promise<void> {
  const { id, state } = view;
  const bad = (what: string) => out.push(`${id} (${state}): ${what}`);
  const paths = ws.paths(id);
  const cancelled = state === 'cancelled';

  // The log replays to the state status reports, and is whole.
  const log = await readEventLog(paths.events);
  const events = log.events;
  report.events += events.length;
  report.skippedLogLines += log.skipped;
  if (events[0]?.type !== 'task.created') bad('the log does not start with task.created');
  else {
    const replayed = stateOf(replay(toMachineEvents(events)));
    if (replayed !== state) bad(`the log replays to ${replayed}, status reports ${state}`);
  }
  const seqs = events.map((e) => e.seq);
  if (seqs.some((s, i) => s !== i + 1))
    bad(`log seq numbers are not 1..${events.length}: ${seqs.slice(0, 20).join(',')}`);

  // Each question: asked once; answered at most once (one answer file, exclusively); acked once answered.
  const ipc = await listIpc(paths.ipc);
  report.questions += ipc.questions.length;
  report.answers += ipc.answers.size;
  report.acks += ipc.acks.size;
  const asked = events.filter((e) => e.type === 'question.asked');
  const answered = events.filter((e) => e.type === 'question.answered');
  for (const seq of ipc.questions) {
    const n = count(asked, (e) => seqOf(e) === seq);
    if (cancelled ? n > 1 : n !== 1) bad(`question ${seq} has ${n} question.asked events`);
    const a = count(answered, (e) => seqOf(e) === seq);
    if (a > 1) bad(`question ${seq} has ${a} question.answered events`);
    if (ipc.answers.has(seq)) {
      if (a !== 1 && !cancelled) bad(`question ${seq} has an answer file but ${a} question.answered events`);
      if (!ipc.acks.has(seq) && state !== 'cancelled' && state !== 'failed')
        bad(`question ${seq} is answered but never acknowledged`);
    } else if (!['awaiting-answer', 'timed-out', 'blocked', 'cancelled', 'failed'].includes(state)) {
      bad(`question ${seq} has no answer`);
    }
  }
  for (const seq of ipc.acks) if (!ipc.answers.has(seq)) bad(`question ${seq} is acknowledged without an answer`);
  for (const seq of ipc.answers) if (!ipc.questions.includes(seq)) bad(`answer ${seq} has no question`);
  for (const e of asked)
    if (!ipc.questions.includes(seqOf(e) ?? -1)) bad(`question.asked ${seqOf(e)} has no question file`);

  // Each attempt: claimed once (claims 1..k), started at most once, ended at most once.
  const attempts = await listAttempts(paths.attempts);
  report.attempts += attempts.length;
  if (attempts.some((n, i) => n !== i + 1)) bad(`attempt claims are not 1..${attempts.length}: ${attempts.join(',')}`);
  for (const n of attempts) {
    const started = count(events, (e) => e.type === 'worker.started' && e.attempt === n);
    const exited = count(events, (e) => e.type === 'worker.exited' && e.attempt === n);
    if (started > 1) bad(`attempt ${n} has ${started} worker.started events`);
    if (exited > 1) bad(`attempt ${n} has ${exited} worker.exited events`);
    if ((state === 'completed' || state === 'blocked') && n === attempts.at(-1) && exited !== 1)
      bad(`attempt ${n} ended the task but has ${exited} worker.exited events`);
    await checkEngineAttempt(id, paths.attempts, n, report, jobNames, bad);
  }

  // No process left in the group of a worker that should be gone; none missing where one should run.
  const current = attempts.at(-1);
  if (!WORKER_STATES.includes(state) && state !== 'starting') {
    for (const n of attempts) {
      const pid = await readPidRecord(paths.attempts, n);
      const members = pid ? leftoverGroupMembers(pid) : [];
      if (members.length > 0) bad(`attempt ${n}'s process group ${pid?.pid} still has ${members.join(', ')}`);
      const wrapper = await readWrapperRecord(paths.attempts, n);
      if (wrapper && isSameProcess(wrapper.pid, wrapper.startTime))
        bad(`attempt ${n}'s wrapper ${wrapper.pid} still runs`);
    }
  } else if (WORKER_STATES.includes(state) && current !== undefined) {
    const pid = await readPidRecord(paths.attempts, current);
    const wrapper = await readWrapperRecord(paths.attempts, current);
    const alive =
      (pid && isSameProcess(pid.pid, pid.startTime)) || (wrapper && isSameProcess(wrapper.pid, wrapper.startTime));
    if (!alive && !(await readExitRecord(paths.attempts, current)))
      bad(`attempt ${current}'s worker is gone without an exit record`);
    else if (!alive) bad(`attempt ${current}'s worker has ended but the task is still ${state}`);
  }

  // Not stuck: a non-final task has a live worker (above), a pending user action, or is on its way.
  if (TRANSIENT_STATES.includes(state)) bad(`still ${state}`);
  if ((state === 'awaiting-answer' || state === 'timed-out') && ipc.questions.every((s) => ipc.answers.has(s)))
    bad(`${state} with no pending question`);
}

/** Every folder under `root` (itself included). */
function folders(root: string): string[] {
  const found = [root];
  try {
    for (const entry of readdirSync(root, { withFileTypes: true }))
      if (entry.isDirectory()) found.push(...folders(join(root, entry.name)));
  } catch {
    // gone meanwhile, or never made
  }
  return found;
}

/** One look at the workspace: the report and every violation found. */
async function inspect(ws: Workspace): Promise<{ report: InvariantReport; violations: string[] }> {
  const report: InvariantReport = {
    tasks: 0,
    states: {},
    questions: 0,
    answers: 0,
    acks: 0,
    attempts: 0,
    jobs: 0,
    events: 0,
    skippedLogLines: 0,
  };
  const violations: string[] = [];
  const jobNames = new Map<string, string>();
  const status = await ws.dispatch(['status', '--json']);
  if (status.exitCode !== 0)
    return { report, violations: [`dispatch status --json exited ${status.exitCode}: ${String(status.stderr)}`] };
  const views = JSON.parse(String(status.stdout)) as View[];
  const ids = await ws.taskIds();
  if (views.length !== ids.length)
    violations.push(`status lists ${views.length} tasks, the workspace has ${ids.length}`);
  for (const view of views) {
    report.tasks += 1;
    report.states[view.state] = (report.states[view.state] ?? 0) + 1;
    await checkTask(ws, view, report, violations, jobNames);
  }
  for (const dir of [...folders(ws.dispatchDir), ...folders(ws.home)]) {
    for (const name of await findStaleTemps(dir, 60_000))
      violations.push(`a temp file older than 60 s: ${join(dir, name)}`);
  }
  return { report, violations };
}

/**
 * The common checker, run after every scenario. Asserts, for every task of the workspace:
 * - each question was asked once (one `question.asked`), has at most one answer (one
 *   `question.answered`) and, once answered, one ack (`NNN.done`) — a late answer's ack is written
 *   by the continuing worker; only a pending user action (awaiting-answer, timed-out, blocked) or
 *   an ended task (cancelled, failed) may leave a question unanswered;
 * - each worker attempt was started exactly once: claims `attempts/1..k.json`, at most one
 *   `worker.started` and one `worker.exited` per attempt; an attempt run by a cluster engine
 *   (Slurm) has one job record once its worker ran, on the executor its claim names, under a job
 *   name of its own, and the engine view names that job;
 * - the event log replays (`replay`/`stateOf` over `toMachineEvents(readEventLog(…))`) to the
 *   state `dispatch status --json` reports, with seq numbers 1..n;
 * - no process is left in the process group of a task whose worker should be gone, and no wrapper;
 * - no temp file older than 60 s anywhere under `.dispatch/` or `DISPATCH_HOME` (`findStaleTemps`);
 * - no task is stuck: a non-final task has a live worker or a pending user action (a question,
 *   a block, a failure to retry), never `queued`/`starting`/`recovering` at rest.
 * Looks again until `settleMs` has passed while anything is wrong; then throws `InvariantViolation`
 * listing every violation. Returns what it counted.
 * @example const report = await checkInvariants(ws); expect(report.answers).toBe(1000);
 */
export async function checkInvariants(ws: Workspace, options: CheckOptions = {}): Promise<InvariantReport> {
  const deadline = Date.now() + (options.settleMs ?? 20_000);
  for (;;) {
    const { report, violations } = await inspect(ws);
    if (violations.length === 0) return report;
    if (Date.now() > deadline) throw new InvariantViolation(violations);
    await sleep(500);
  }
}

/** True when every task of the workspace is in a final state (as the files say). */
export async function allFinal(ws: Workspace): Promise<boolean> {
  return (await Promise.all((await ws.taskIds()).map(ws.state))).every((s) => FINAL_STATES.includes(s));
}
