import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type FSWatcher, watch } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFactSource } from './fact-source.js';
import { type Collected, collectFacts, duplicates } from '../../test/fixtures/watch/collect.js';
import { runWriter, tempDispatchDir, waitFor, writeAtomicSync } from '../../test/fixtures/watch/helpers.js';

// The watcher only makes detection fast; these tests break it and expect the scans to deliver
// every fact anyway, each once.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Parameters<typeof collectFacts>[1]): Promise<Collected & { tasksDir: string }> {
  const dir = tempDispatchDir();
  cleanups.push(dir.cleanup);
  const collected = await collectFacts(dir.dispatchDir, options);
  cleanups.push(() => collected.source.close());
  return { ...collected, tasksDir: dir.tasksDir };
}

const expected = (tasks: string[], perTask: number) =>
  tasks.flatMap((t) => Array.from({ length: perTask }, (_, i) => `question:${t}:${i + 1}`)).sort();

describe('createFactSource without a reliable watcher', { timeout: 30_000 }, () => {
  it('delivers 200 questions from another process with scans only', async () => {
    const c = await start({ useWatcher: false, scanIntervalMs: 50 });
    const tasks = ['s-1', 's-2', 's-3', 's-4', 's-5'];
    await runWriter({ tasksDir: c.tasksDir, tasks, perTask: 40, createTasks: true });
    await waitFor(() => c.seen('question').length >= 200, '200 questions');
    await c.source.scanNow();
    expect(c.seen('question').sort()).toEqual(expected(tasks, 40));
    expect(duplicates(c.seen())).toEqual([]);
    expect(c.source.stats).toMatchObject({ watching: false, factsFromWatcher: 0, factsFromScan: 205 });
  });

  it('delivers 200 questions when the watcher drops a third of its events', async () => {
    let n = 0;
    const c = await start({ scanIntervalMs: 100, watcherEventFilter: () => ++n % 3 !== 0 });
    const tasks = ['d-1', 'd-2', 'd-3', 'd-4'];
    for (const t of tasks.slice(0, 2)) mkdirSync(join(c.tasksDir, t, 'ipc'), { recursive: true });
    await runWriter({ tasksDir: c.tasksDir, tasks, perTask: 50, createTasks: true });
    await waitFor(() => c.seen('question').length >= 200, '200 questions');
    await c.source.scanNow();
    expect(c.seen('question').sort()).toEqual(expected(tasks, 50));
    expect(duplicates(c.seen())).toEqual([]);
    expect(c.source.stats.watcherEventsDropped).toBeGreaterThan(0);
  });

  it('finds with a scan what a watcher that hears nothing missed', async () => {
    const c = await start({ scanIntervalMs: 0, watcherEventFilter: () => false });
    writeAtomicSync(join(c.tasksDir, 'deaf', 'ipc', '001.question'), 'q?');
    writeAtomicSync(join(c.tasksDir, 'deaf', 'attempts', '1.exit'), '{}');
    await c.source.scanNow();
    expect(c.seen()).toEqual(['task:deaf', 'question:deaf:1', 'exit:deaf:1']);
    expect(c.source.stats.factsFromWatcher).toBe(0);
  });

  it('lists settled tasks only every settledScanEvery periodic scans; scanNow still lists them', async () => {
    const c = await start({
      scanIntervalMs: 20,
      watcherEventFilter: () => false,
      isSettled: (id) => id === 'finished',
      settledScanEvery: 1000,
      quietScanMs: 20,
    });
    writeAtomicSync(join(c.tasksDir, 'finished', 'ipc', '001.question'), 'q?');
    writeAtomicSync(join(c.tasksDir, 'live', 'ipc', '001.question'), 'q?');
    await waitFor(() => c.seen().includes('question:live:1'), 'the live task, listed by the periodic scans');
    const scans = c.source.stats.scans;
    await waitFor(() => c.source.stats.scans >= scans + 5, 'five more periodic scans');
    expect(c.seen()).not.toContain('question:finished:1');
    await c.source.scanNow();
    expect(c.seen()).toContain('question:finished:1');
  });

  it('on a watcher error (ENOSPC), reports degraded and scans at once', async () => {
    let watcher: FSWatcher | undefined;
    const c = await start({
      scanIntervalMs: 0,
      watcherEventFilter: () => false,
      watchFolder: (dir, listener) => (watcher ??= watch(dir, listener)),
    });
    writeAtomicSync(join(c.tasksDir, 'full', 'ipc', '001.question'), 'q?');
    const error = Object.assign(new Error('watch tasks/full/ipc ENOSPC'), { code: 'ENOSPC' });
    watcher?.emit('error', error);
    await waitFor(() => c.seen().includes('question:full:1'), 'the question, found by the scan');
    expect(c.errors).toEqual([error]);
    expect(c.source.stats).toMatchObject({ degraded: true, watcherErrors: 1, watching: true });
  });

  it('watches again after tasks/ is removed and made anew', async () => {
    const c = await start({ scanIntervalMs: 0 });
    rmSync(c.tasksDir, { recursive: true });
    await c.source.scanNow();
    expect(c.source.stats.watching).toBe(false);
    mkdirSync(c.tasksDir);
    await c.source.scanNow();
    expect(c.source.stats.watching).toBe(true);
    writeAtomicSync(join(c.tasksDir, 'reborn', 'ipc', '001.question'), 'q?');
    await waitFor(() => c.seen().includes('question:reborn:1'), 'the question, seen by the new watch');
    expect(c.source.stats.factsFromWatcher).toBe(2);
  });

  it('starts watching once tasks/ appears, and delivers again a fact whose onFact failed', async () => {
    const dir = tempDispatchDir();
    cleanups.push(dir.cleanup);
    const root = join(dir.dispatchDir, '..', 'later', '.dispatch');
    const seen: string[] = [];
    const errors: unknown[] = [];
    const source = await createFactSource({
      dispatchDir: root,
      scanIntervalMs: 20,
      onFact: (fact) => {
        seen.push(fact.type);
        if (seen.length === 1) throw new Error('consumer hiccup');
      },
      onError: (err) => void errors.push(err),
    });
    cleanups.push(() => source.close());
    expect(source.stats.watching).toBe(false);
    writeAtomicSync(join(root, 'tasks', 'late', 'ipc', '001.question'), 'q?');
    await waitFor(() => seen.includes('question'), 'the question');
    await waitFor(() => source.stats.watching, 'the watcher to start');
    writeAtomicSync(join(root, 'tasks', 'late', 'ipc', '002.question'), 'q?');
    await waitFor(() => seen.length === 4, 'the second question');
    // The failed task fact held back its question, and both came with the next listing.
    expect(seen).toEqual(['task', 'task', 'question', 'question']);
    expect(errors).toEqual([new Error('consumer hiccup')]);
  });
});
