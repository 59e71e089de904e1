import { appendFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDispatchDir, waitFor, writeAtomicSync } from '../../test/fixtures/watch/helpers.js';
import { type WatchHint, watchTasksDir } from './tasks-watcher.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const watches = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
const key = (h: WatchHint) =>
  h.kind === 'all' ? 'all' : h.kind === 'task' ? `task:${h.taskId}` : `${h.area}:${h.taskId}${h.newDir ? ':new' : ''}`;

describe('watchTasksDir', { timeout: 30_000 }, () => {
  it('watches folders only, one watch each, however many files they hold', async () => {
    const { tasksDir, cleanup } = tempDispatchDir();
    cleanups.push(cleanup);
    const t = join(tasksDir, 'alpha');
    for (const area of ['ipc', 'attempts', 'requests']) mkdirSync(join(t, area), { recursive: true });
    for (let i = 1; i <= 30; i++) writeFileSync(join(t, 'ipc', `${String(i).padStart(3, '0')}.question`), 'q');
    writeFileSync(join(t, 'plan.md'), '# A\n');
    writeFileSync(join(t, 'worker.log'), '');
    mkdirSync(join(t, 'ipc', 'stray', 'deeper'), { recursive: true });
    await waitFor(() => watches() === 0, "earlier tests' watches to close");
    const watcher = await watchTasksDir(tasksDir, {
      onHint: () => undefined,
      onError: (e) => {
        throw e;
      },
    });
    cleanups.push(() => watcher.close());
    // tasks/, alpha/, and its ipc/, attempts/ and requests/: nothing deeper, no file.
    expect(watches()).toBe(5);
  });

  it('turns protocol file changes into hints and ignores the rest', async () => {
    const { tasksDir, cleanup } = tempDispatchDir();
    cleanups.push(cleanup);
    const t = join(tasksDir, 'beta');
    mkdirSync(join(t, 'ipc'), { recursive: true });
    const hints: string[] = [];
    const touched = new Set<string>();
    const watcher = await watchTasksDir(tasksDir, {
      onHint: (h) => void hints.push(key(h)),
      onTouched: (id) => void touched.add(id),
      onError: (e) => {
        throw e;
      },
    });
    cleanups.push(() => watcher.close());

    appendFileSync(join(t, 'worker.log'), 'chatty worker output\n'.repeat(100));
    // No hint for the log, but the task is told touched (the daemon's upkeep follows that).
    await waitFor(() => touched.has('beta'), 'the log written to');
    writeAtomicSync(join(t, 'events.jsonl'), '{}\n');
    writeFileSync(join(t, 'ipc', '.001.question.1.0123456789ab.tmp'), 'half');
    writeAtomicSync(join(t, 'ipc', 'notes.txt'), 'not protocol');
    writeAtomicSync(join(t, 'ipc', '001.question'), 'q?');
    writeAtomicSync(join(t, 'plan.md'), '# B\n');
    await waitFor(() => hints.includes('ipc:beta') && hints.includes('plan:beta'), 'the question and plan hints');
    expect(new Set(hints)).toEqual(new Set(['ipc:beta', 'plan:beta']));

    // Files written into a new folder before its watch exists raise no event of their own: only
    // the folder's hint is certain, and the fact source lists the whole task on it.
    writeAtomicSync(join(tasksDir, 'gamma', 'attempts', '1.exit'), '{}');
    await waitFor(() => hints.includes('task:gamma'), 'the hint of the new task');
  });

  it('never watches through a symlink, and lets go of a folder that is removed', async () => {
    const { tasksDir, cleanup } = tempDispatchDir();
    cleanups.push(cleanup);
    const elsewhere = tempDispatchDir();
    cleanups.push(elsewhere.cleanup);
    mkdirSync(join(elsewhere.tasksDir, 'outside', 'ipc'), { recursive: true });
    symlinkSync(join(elsewhere.tasksDir, 'outside'), join(tasksDir, 'evil'));
    mkdirSync(join(tasksDir, 'delta', 'ipc'), { recursive: true });
    const hints: string[] = [];
    const watcher = await watchTasksDir(tasksDir, {
      onHint: (h) => void hints.push(key(h)),
      onError: (e) => {
        throw e;
      },
    });
    cleanups.push(() => watcher.close());
    expect(watcher.folders).toBe(3); // tasks/, delta/, delta/ipc/
    symlinkSync(join(elsewhere.tasksDir, 'outside'), join(tasksDir, 'evil-later'));
    mkdirSync(join(tasksDir, 'delta', 'attempts'));
    await waitFor(() => hints.includes('attempts:delta:new'), 'the new attempts/ folder');
    expect(watcher.folders).toBe(4);
    rmSync(join(tasksDir, 'delta'), { recursive: true });
    await waitFor(() => watcher.folders === 1, 'the watches of the removed task to close');
    expect(hints).toContain('task:evil-later');
  });
});
