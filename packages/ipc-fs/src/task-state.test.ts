import type { ExitClassifier } from './task-state.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import {
  createTaskFolder,
  deriveTaskState,
  EventLogWriter,
  listTaskIds,
  renderPlan,
  toTaskView,
  writeAck,
  writeAnswer,
  writeFileAtomic,
  writeQuestion,
  type TaskFile,
} from './index.js';

/** These tests are about the protocol: no exit is classified (the runtime supplies the real classifier). */
const noCause: ExitClassifier = async () => null;

// A minute ago: file times (real) and logged times must fall in one timeline.
const T0 = Date.now() - 60_000;
const task: TaskFile = {
  id: 'security-review',
  title: 'Security review',
  prompt: 'review the auth module',
  model: 'opus',
  backend: 'claude',
  options: {},
  createdAt: new Date(T0).toISOString(),
};

/** A task whose log says its first worker is running, as a daemon would have left it (no `onLimit`: a log from before limits paused). */
async function runningTask(input: { onLimit?: 'pause' | 'fail' } = {}) {
  const dispatchDir = join(await tempDir(), '.dispatch');
  const paths = await createTaskFolder(dispatchDir, task, renderPlan(task.title, ['Scan for secrets', 'Review auth']));
  const log = await EventLogWriter.open(paths.events);
  await log.append({ type: 'task.created', at: T0, input: { id: task.id, model: 'opus', createdAt: T0, ...input } });
  await log.append({ type: 'start', at: T0 + 1 });
  await log.append({ type: 'worker.started', at: T0 + 2, attempt: 1, model: 'opus', pid: 4242 });
  return { dispatchDir, paths, log };
}

async function exitRecord(dir: string, code: number) {
  await writeFileAtomic(
    join(dir, '1.exit'),
    JSON.stringify({ code, signal: null, at: new Date(T0 + 60_000).toISOString() }),
  );
}

describe('deriveTaskState', () => {
  it('a task run created but no daemon logged yet is queued, from task.json alone', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    await createTaskFolder(dispatchDir, task, renderPlan(task.title, ['one']));
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('queued');
    expect(derived.unrecorded).toEqual([
      { type: 'plan.changed', plan: { total: 1, done: 0, pending: 1, blocked: 0, error: 0 }, at: expect.any(Number) },
    ]);
    expect(await listTaskIds(dispatchDir)).toEqual(['security-review']);
  });

  it('a question on disk the log has not recorded makes the task awaiting-answer', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeQuestion(paths.ipc, 'JWT or sessions?');
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('awaiting-answer');
    expect(toTaskView(derived).question).toEqual({ seq: 1, text: 'JWT or sessions?' });
    expect(derived.unrecorded.map((e) => e.type)).toEqual(['plan.changed', 'question.asked']);
  });

  it('once the daemon logs the unrecorded facts, the log alone says the same', async () => {
    const { dispatchDir, paths, log } = await runningTask();
    await writeQuestion(paths.ipc, 'q1');
    await writeAnswer(paths.ipc, 1, 'a1');
    await writeQuestion(paths.ipc, 'q2');
    const before = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(before.unrecorded.map((e) => e.type).sort()).toEqual([
      'plan.changed',
      'question.answered',
      'question.asked',
      'question.asked',
    ]);
    const times = before.unrecorded.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const event of before.unrecorded) await log.append(event);
    const after = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(after.unrecorded).toEqual([]);
    expect(after.state).toBe('awaiting-answer');
    expect(after.snapshot.context).toEqual(before.snapshot.context);
    expect(toTaskView(after).question).toEqual({ seq: 2, text: 'q2' });
  });

  it('a worker that ended while no daemon ran is classified from its exit record and plan', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeFileAtomic(paths.plan, '# Security review\n\n- [x] Scan for secrets — none\n- [x] Review auth\n');
    await exitRecord(paths.attempts, 0);
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('completed');
    expect(toTaskView(derived)).toMatchObject({
      id: 'security-review',
      state: 'completed',
      model: 'opus',
      backend: 'claude',
      progress: { done: 2, total: 2 },
      items: [
        { text: 'Scan for secrets', mark: 'done', note: 'none' },
        { text: 'Review auth', mark: 'done', note: null },
      ],
      question: null,
      error: null,
    });
  });

  it('exit 0 with open items is incomplete; a [?] item blocks', async () => {
    const a = await runningTask();
    await exitRecord(a.paths.attempts, 0);
    const incomplete = await deriveTaskState(a.dispatchDir, task.id, { classify: noCause });
    expect(incomplete.state).toBe('failed');
    expect(toTaskView(incomplete).error?.kind).toBe('incomplete');

    const b = await runningTask();
    await writeFileAtomic(b.paths.plan, '# T\n- [x] Scan\n- [?] Review auth\n  > **Blocker:** JWT or sessions?\n');
    await exitRecord(b.paths.attempts, 0);
    expect((await deriveTaskState(b.dispatchDir, task.id, { classify: noCause })).state).toBe('blocked');
  });

  it('a host classifier names the cause of a failed exit', async () => {
    const { dispatchDir, paths } = await runningTask();
    await exitRecord(paths.attempts, 1);
    const derived = await deriveTaskState(dispatchDir, task.id, {
      classify: async () => ({ kind: 'auth', message: 'not logged in' }),
    });
    expect(derived.snapshot.context.error).toEqual({ kind: 'auth', message: 'not logged in' });
  });

  it('a quota exit no daemon has logged yet: a pausing task is already queued, waiting for the reset (never failed); past it, ready to start', async () => {
    const { dispatchDir, paths } = await runningTask({ onLimit: 'pause' });
    await exitRecord(paths.attempts, 1);
    const resetAt = T0 + 120_000;
    const classify: ExitClassifier = async () => ({ kind: 'quota', message: 'claude: usage limit reached', resetAt });
    const derived = await deriveTaskState(dispatchDir, task.id, { classify, now: T0 + 60_001 });
    expect(derived.state).toBe('queued');
    expect(toTaskView(derived).waiting).toEqual({
      reason: 'quota',
      until: new Date(resetAt).toISOString(),
      message: 'claude: usage limit reached',
    });
    const later = await deriveTaskState(dispatchDir, task.id, { classify, now: resetAt });
    expect(later.unrecorded.at(-1)).toEqual({ type: 'quota.reset', at: resetAt });
    expect([later.state, toTaskView(later).waiting]).toEqual(['queued', null]);
  });

  it('a log from before limits paused (its task.created names no policy) replays a quota exit as failed, as it was', async () => {
    const { dispatchDir, paths } = await runningTask();
    await exitRecord(paths.attempts, 1);
    const classify: ExitClassifier = async () => ({ kind: 'quota', message: 'claude: usage limit reached' });
    const derived = await deriveTaskState(dispatchDir, task.id, { classify });
    expect(derived.state).toBe('failed');
  });

  it('a torn log line is skipped and reported', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeFile(
      paths.events,
      `${await (await import('node:fs/promises')).readFile(paths.events, 'utf8')}{"seq":4,"at":"20`,
    );
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.tornLog).toBe(true);
    expect(derived.state).toBe('running');
  });

  it('an event of a type a newer dispatch wrote is skipped with a warning naming the file and line', async () => {
    const { dispatchDir, paths } = await runningTask();
    const text = await (await import('node:fs/promises')).readFile(paths.events, 'utf8');
    const line = text.split('\n').length;
    await writeFile(
      paths.events,
      `${text}{"seq":99,"at":"2026-01-01T00:00:00.000Z","type":"worker.teleported","to":"mars"}\n`,
    );
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('running');
    expect(derived.warnings).toEqual([
      `${paths.events}:${line}: skipped an event of unknown type "worker.teleported" (written by a newer dispatch?)`,
    ]);
  });

  it('a line of a known type without its facts is skipped with a warning, never thrown inside the machine', async () => {
    const { dispatchDir, paths } = await runningTask();
    const text = await (await import('node:fs/promises')).readFile(paths.events, 'utf8');
    const line = text.split('\n').length;
    await writeFile(paths.events, `${text}{"seq":99,"at":"2026-01-01T00:00:00.000Z","type":"question.asked"}\n`);
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('running');
    expect(derived.warnings).toEqual([
      `${paths.events}:${line}: skipped a "question.asked" event without the facts it carries (a damaged log?)`,
    ]);
  });

  it('an unknown task is a clear error', async () => {
    await expect(deriveTaskState(await tempDir(), 'nope', { classify: noCause })).rejects.toMatchObject({
      code: 'no-such-task',
    });
  });
});

describe('deriveTaskState after time passed with no host', () => {
  it('applies the deadlines that fell due between the facts, as a live host would have', async () => {
    const { dispatchDir, paths } = await runningTask();
    const seq = await writeQuestion(paths.ipc, 'JWT or sessions?');
    const asked = (await (await import('node:fs/promises')).stat(join(paths.ipc, '001.question'))).mtimeMs;
    expect(seq).toBe(1);
    // The worker exits 0 with open items and no [?] 200 s after asking (the answer timeout is 180 s).
    await exitRecord(paths.attempts, 0);
    const exitAt = new Date(asked + 200_000);
    await (await import('node:fs/promises')).utimes(join(paths.attempts, '1.exit'), exitAt, exitAt);
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause, now: asked + 300_000 });
    expect(derived.unrecorded.map((e) => e.type)).toEqual([
      'plan.changed',
      'question.asked',
      'answer.timeout',
      'worker.exited',
    ]);
    expect(derived.state).toBe('blocked');
  });

  it("a worker's exit is ordered after what it did, even when the exit file's time says otherwise", async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeQuestion(paths.ipc, 'JWT or sessions?');
    await writeAnswer(paths.ipc, 1, 'JWT');
    await writeAck(paths.ipc, 1);
    await writeFileAtomic(paths.plan, '# Security review\n\n- [x] Scan for secrets\n- [x] Review auth\n');
    await exitRecord(paths.attempts, 0);
    // File times set, not left to the clock (a file's time has a coarse tick): the plan's last
    // save, the question, its answer (acknowledged), and an exit record stamped before all of
    // them (a clock step, another node's clock).
    const { utimes } = await import('node:fs/promises');
    // Whole seconds: file times keep them exactly.
    const base = Math.ceil(T0 / 1000) * 1000 + 30_000;
    const at = (ms: number) => new Date(base + ms);
    await utimes(join(paths.ipc, '001.question'), at(0), at(0));
    await utimes(join(paths.ipc, '001.answer'), at(1000), at(1000));
    await utimes(paths.plan, at(-500), at(-500));
    await utimes(join(paths.attempts, '1.exit'), at(-1000), at(-1000));
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.unrecorded.map((e) => [e.type, e.at - base])).toEqual([
      ['plan.changed', -500],
      ['question.asked', 0],
      ['question.answered', 1000],
      ['worker.exited', 1000],
    ]);
    expect(derived.state).toBe('completed');
  });

  it('an answer the worker never acknowledged may come after its exit', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeQuestion(paths.ipc, 'JWT or sessions?');
    await exitRecord(paths.attempts, 1);
    await writeAnswer(paths.ipc, 1, 'too late');
    const { utimes } = await import('node:fs/promises');
    // Whole seconds: file times keep them exactly.
    const base = Math.ceil(T0 / 1000) * 1000 + 30_000;
    const at = (ms: number) => new Date(base + ms);
    await utimes(join(paths.ipc, '001.question'), at(0), at(0));
    await utimes(join(paths.attempts, '1.exit'), at(1000), at(1000));
    await utimes(join(paths.ipc, '001.answer'), at(2000), at(2000));
    await utimes(paths.plan, at(-5000), at(-5000));
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.unrecorded.map((e) => e.type)).toEqual([
      'plan.changed',
      'question.asked',
      'worker.exited',
      'question.answered',
    ]);
  });

  it('a wall-clock limit that fell due carries what the host says the worker is stuck on', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const paths = await createTaskFolder(dispatchDir, task, renderPlan(task.title, ['one']));
    const log = await EventLogWriter.open(paths.events);
    await log.append({
      type: 'task.created',
      at: T0,
      input: { id: task.id, model: 'opus', createdAt: T0, timeLimitMs: 30_000 },
    });
    await log.append({ type: 'start', at: T0 + 1 });
    await log.append({ type: 'worker.started', at: T0 + 2, attempt: 1, model: 'opus', pid: 4242 });
    const cause = { kind: 'network' as const, message: 'codex: cannot reach the model API' };
    const seen: number[] = [];
    const classifyStuck = async (_: unknown, attempt: number) => (seen.push(attempt), cause);
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause, classifyStuck });
    expect(derived.unrecorded.find((e) => e.type === 'task.timeout')).toEqual({
      type: 'task.timeout',
      at: T0 + 2 + 30_000,
      cause,
    });
    expect(derived.snapshot.context.error).toEqual({
      kind: 'network',
      message: 'codex: cannot reach the model API (stopped: the wall-clock limit passed)',
    });
    expect(seen).toEqual([1]);
    // Not due yet: the output is not read at all.
    await deriveTaskState(dispatchDir, task.id, { classify: noCause, classifyStuck, now: T0 + 10_000 });
    expect(seen).toEqual([1]);
  });

  it('a restarted host finds nothing new in a finished task, even with a .done written after the exit', async () => {
    const { dispatchDir, paths, log } = await runningTask();
    await writeFileAtomic(paths.plan, '# T\n- [x] a\n- [x] b\n');
    await exitRecord(paths.attempts, 0);
    const first = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(first.state).toBe('completed');
    for (const e of first.unrecorded) await log.append(e);
    await writeFileAtomic(paths.doneMarker, '');
    expect((await deriveTaskState(dispatchDir, task.id, { classify: noCause })).unrecorded).toEqual([]);
  });

  it('a task.json that names another task is refused', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeFileAtomic(paths.taskJson, JSON.stringify({ ...task, id: 'other-task' }));
    await expect(deriveTaskState(dispatchDir, task.id, { classify: noCause })).rejects.toThrow(
      /its id "other-task" is not its folder's/,
    );
  });
});

describe('a worker that marked an item [!]', () => {
  it('fails the task with that item and its description as the error', async () => {
    const { dispatchDir, paths } = await runningTask();
    await writeFileAtomic(
      paths.plan,
      '# T\n- [x] Scan\n- [!] Check the auth/ directory\n  Error: auth/ directory not found\n',
    );
    await exitRecord(paths.attempts, 1);
    const derived = await deriveTaskState(dispatchDir, task.id, { classify: noCause });
    expect(derived.state).toBe('failed');
    expect(derived.snapshot.context.error).toEqual({
      kind: 'plan-error',
      message: 'Check the auth/ directory: auth/ directory not found',
    });
  });
});
