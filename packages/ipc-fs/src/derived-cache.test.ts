import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import { DERIVED_CACHE_FILE } from './derived-cache.js';
import {
  createTaskFolder,
  deriveTaskState,
  EventLogWriter,
  renderPlan,
  type TaskFile,
  type TaskPaths,
  writeFileAtomic,
  writeQuestion,
} from './index.js';
import type { DeriveOptions } from './task-state.js';

const T0 = Date.now() - 10 * 60_000;
const task: TaskFile = {
  id: 'cache-me',
  title: 'Cache me',
  prompt: 'p',
  model: 'opus',
  backend: 'claude',
  options: { answerTimeout: 3600 },
  createdAt: new Date(T0).toISOString(),
};
const options: DeriveOptions = { classify: async () => null, cache: 'build-1' };

/** Files older than the settle time, as a task's are once nothing has touched them for a while. */
async function settle(paths: TaskPaths) {
  const old = new Date(Date.now() - 60_000);
  for (const file of [paths.taskJson, paths.events, paths.plan, paths.ipc, paths.attempts])
    await utimes(file, old, old);
}

/** A task whose first worker runs, everything logged, its files settled. */
async function runningTask() {
  const dispatchDir = join(await tempDir(), '.dispatch');
  const paths = await createTaskFolder(dispatchDir, task, renderPlan(task.title, ['one', 'two']));
  const log = await EventLogWriter.open(paths.events);
  await log.append({ type: 'task.created', at: T0, input: { id: task.id, model: 'opus', createdAt: T0 } });
  await log.append({ type: 'plan.changed', at: T0, plan: { total: 2, done: 0, pending: 2, blocked: 0, error: 0 } });
  await log.append({ type: 'start', at: T0 + 1 });
  await log.append({ type: 'worker.started', at: T0 + 2, attempt: 1, model: 'opus', pid: 4242 });
  await settle(paths);
  return { dispatchDir, paths, log };
}

/** Marks the kept entry, so a derivation served from it shows the mark. */
function mark(paths: TaskPaths) {
  const file = join(paths.dir, DERIVED_CACHE_FILE);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  entry.context.model = 'from-the-cache';
  writeFileSync(file, JSON.stringify(entry));
}

const modelOf = async (dispatchDir: string, opts: DeriveOptions = options) =>
  (await deriveTaskState(dispatchDir, task.id, opts)).snapshot.context.model;

describe('the derivation cache', () => {
  it('keeps a settled derivation and serves it, with the same answers, while nothing changed', async () => {
    const { dispatchDir, paths } = await runningTask();
    const first = await deriveTaskState(dispatchDir, task.id, options);
    expect(existsSync(join(paths.dir, DERIVED_CACHE_FILE))).toBe(true);
    const again = await deriveTaskState(dispatchDir, task.id, options);
    expect(again.state).toBe('running');
    expect(again.snapshot.context).toEqual(first.snapshot.context);
    expect(again.snapshot.hasTag('worker')).toBe(first.snapshot.hasTag('worker'));
    expect(again.snapshot.can({ type: 'cancel', at: Date.now() })).toBe(true);
    expect(again.logged.map((e) => e.type)).toEqual(first.logged.map((e) => e.type));
    mark(paths);
    expect(await modelOf(dispatchDir)).toBe('from-the-cache');
  });

  it('derives afresh when the log grew, a question or an exit record appeared, or the plan counts changed', async () => {
    const changes: ((t: Awaited<ReturnType<typeof runningTask>>) => Promise<unknown>)[] = [
      ({ log }) => log.append({ type: 'note.added', at: T0 + 3, text: 'hello' }),
      ({ paths }) => writeQuestion(paths.ipc, 'JWT or sessions?'),
      ({ paths }) => writeFileAtomic(join(paths.attempts, '1.exit'), JSON.stringify({ code: 0, signal: null })),
      ({ paths }) => writeFile(paths.plan, renderPlan(task.title, ['one', 'two', 'three'])),
    ];
    for (const change of changes) {
      const t = await runningTask();
      await deriveTaskState(t.dispatchDir, task.id, options);
      mark(t.paths);
      expect(await modelOf(t.dispatchDir)).toBe('from-the-cache');
      await change(t);
      expect(await modelOf(t.dispatchDir)).toBe('opus');
    }
  });

  it('a plan edited in its words only (a note) is read fresh from the cache', async () => {
    const { dispatchDir, paths } = await runningTask();
    await deriveTaskState(dispatchDir, task.id, options);
    await writeFile(paths.plan, renderPlan(task.title, ['one — looking at it', 'two']));
    const derived = await deriveTaskState(dispatchDir, task.id, options);
    expect(derived.plan?.items[0]?.text).toContain('looking at it');
  });

  it('is not used by another build, nor after the next deadline', async () => {
    const { dispatchDir, paths, log } = await runningTask();
    await log.append({ type: 'question.asked', at: Date.now() - 5000, question: { seq: 1, text: 'which?' } });
    await writeQuestion(paths.ipc, 'which?');
    await settle(paths);
    const asked = await deriveTaskState(dispatchDir, task.id, options);
    expect(asked.state).toBe('awaiting-answer');
    mark(paths);
    expect(await modelOf(dispatchDir)).toBe('from-the-cache');
    expect(await modelOf(dispatchDir, { ...options, cache: 'build-2' })).toBe('opus');
    // The answer deadline (an hour after the question) ends the entry's validity.
    const later = await deriveTaskState(dispatchDir, task.id, { ...options, now: Date.now() + 2 * 3600_000 });
    expect(later.state).not.toBe('awaiting-answer');
    expect(later.snapshot.context.model).toBe('opus');
  });

  it('a final task is served whatever appears in ipc/ (it takes no more facts)', async () => {
    const { dispatchDir, paths, log } = await runningTask();
    await log.append({ type: 'cancel', at: T0 + 5 });
    await settle(paths);
    expect((await deriveTaskState(dispatchDir, task.id, options)).state).toBe('cancelled');
    mark(paths);
    await writeQuestion(paths.ipc, 'too late?');
    expect(await modelOf(dispatchDir)).toBe('from-the-cache');
  });

  it('keeps nothing while the files are fresh, or while the log has not recorded a fact', async () => {
    const fresh = await runningTask();
    await fresh.log.append({ type: 'note.added', at: T0 + 3, text: 'just now' });
    await deriveTaskState(fresh.dispatchDir, task.id, options);
    expect(existsSync(join(fresh.paths.dir, DERIVED_CACHE_FILE))).toBe(false);

    const unrecorded = await runningTask();
    await writeQuestion(unrecorded.paths.ipc, 'not logged yet');
    await settle(unrecorded.paths);
    expect((await deriveTaskState(unrecorded.dispatchDir, task.id, options)).state).toBe('awaiting-answer');
    expect(existsSync(join(unrecorded.paths.dir, DERIVED_CACHE_FILE))).toBe(false);
  });

  it('without a build to key it by, nothing is read or kept', async () => {
    const { dispatchDir, paths } = await runningTask();
    await deriveTaskState(dispatchDir, task.id, { classify: async () => null });
    expect(existsSync(join(paths.dir, DERIVED_CACHE_FILE))).toBe(false);
  });
});
