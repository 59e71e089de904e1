import { readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFactSource } from './fact-source.js';
import type { FactSourceOptions } from './fact-source-types.js';
import { collectFacts, describeFact } from '../../test/fixtures/watch/collect.js';
import { cleanupsAfterEach, waitFor, writeAtomicSync } from '../../test/fixtures/watch/helpers.js';

// What reaches the consumer, and when: retries after a failed delivery, plans edited in place,
// and task folders that are symlinks.

const { defer, setup } = cleanupsAfterEach();

async function start(options: FactSourceOptions) {
  const source = await createFactSource(options);
  defer(() => source.close());
  return source;
}

describe('createFactSource delivery', { timeout: 30_000 }, () => {
  it('delivers a question again after onFact rejected it, and once only after it succeeded', async () => {
    const { dispatchDir, tasksDir } = setup();
    writeAtomicSync(join(tasksDir, 'flaky', 'ipc', '001.question'), 'q?');
    let attempts = 0;
    const seen: string[] = [];
    const errors: unknown[] = [];
    const source = await start({
      dispatchDir,
      scanIntervalMs: 0,
      onFact: async (fact) => {
        if (fact.type === 'question' && attempts++ === 0) throw new Error('relay down');
        seen.push(describeFact(fact));
      },
      onError: (err, fact) => void errors.push([err, fact && describeFact(fact)]),
    });
    expect(seen).toEqual(['task:flaky']);
    expect(errors).toEqual([[new Error('relay down'), 'question:flaky:1']]);
    await source.scanNow();
    expect(seen).toEqual(['task:flaky', 'question:flaky:1']);
    await source.scanNow();
    writeAtomicSync(join(tasksDir, 'flaky', 'ipc', '002.question'), 'q2?');
    await source.scanNow();
    expect(seen).toEqual(['task:flaky', 'question:flaky:1', 'question:flaky:2']);
    expect(attempts).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it('a periodic scan reports again a plan saved in place twice at one size and mtime', async () => {
    const { dispatchDir, tasksDir } = setup();
    const plan = join(tasksDir, 'inplace', 'plan.md');
    writeAtomicSync(plan, '# P\n- [ ] a\n- [ ] b\n');
    // The consumer re-reads plan.md on each plan fact, as the daemon does.
    const reads: string[] = [];
    await start({
      dispatchDir,
      useWatcher: false,
      scanIntervalMs: 20,
      onFact: (fact) => void (fact.type === 'plan' && reads.push(readFileSync(plan, 'utf8'))),
    });
    // An editor ticking a box: same inode, same size, and (set back) the same recent mtime.
    const mtime = new Date();
    const saveInPlace = (text: string): void => {
      writeFileSync(plan, text);
      utimesSync(plan, mtime, mtime);
    };
    const first = '# P\n- [x] a\n- [ ] b\n';
    const second = '# P\n- [x] a\n- [x] b\n';
    const before = statSync(plan);
    saveInPlace(first);
    await waitFor(() => reads.includes(first), 'a read of the first save');
    const middle = statSync(plan);
    saveInPlace(second);
    const after = statSync(plan);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([middle.ino, middle.size, middle.mtimeMs]);
    expect(after.ino).toBe(before.ino);
    await waitFor(() => reads.at(-1) === second, 'a read of the second save');
  });

  it('delivers an answer the watcher missed before the exit the watcher reported', async () => {
    const { dispatchDir, tasksDir } = setup();
    writeAtomicSync(join(tasksDir, 'lossy', 'ipc', '001.question'), 'q?');
    writeAtomicSync(join(tasksDir, 'lossy', 'attempts', '1.json'), '{}');
    const seen: string[] = [];
    // ipc/'s events are lost (inotify dropped them, or its folder could not be watched), not
    // attempts/'s; no periodic scan comes to the rescue within the test.
    const source = await start({
      dispatchDir,
      scanIntervalMs: 60_000,
      watcherEventFilter: (path) => !path.includes(`${join('lossy', 'ipc')}`),
      onFact: (fact) => void seen.push(describeFact(fact)),
    });
    expect(seen).toEqual(['task:lossy', 'question:lossy:1']);
    writeAtomicSync(join(tasksDir, 'lossy', 'ipc', '001.answer'), 'yes');
    writeAtomicSync(join(tasksDir, 'lossy', 'ipc', '001.done'), '');
    writeAtomicSync(
      join(tasksDir, 'lossy', 'attempts', '1.exit'),
      '{"code":0,"signal":null,"at":"2026-01-01T00:00:00.000Z"}',
    );
    await waitFor(() => seen.some((f) => f.startsWith('exit:')), 'the exit');
    // The exit must not overtake the answer: a consumer would end the task with it unrecorded.
    expect(seen.indexOf('answer:lossy:1')).toBeGreaterThan(-1);
    expect(seen.indexOf('answer:lossy:1')).toBeLessThan(seen.findIndex((f) => f.startsWith('exit:')));
    expect(source.stats.watching).toBe(true);
  });

  it('ignores a symlinked task folder, whether a scan or the watcher finds it', async () => {
    const { dispatchDir, tasksDir } = setup();
    const outside = join(setup().dispatchDir, 'elsewhere');
    writeAtomicSync(join(outside, 'ipc', '001.question'), 'answer me out here');
    symlinkSync(outside, join(tasksDir, 'evil'));
    const c = await collectFacts(dispatchDir, { scanIntervalMs: 20, quietScanMs: 20 });
    defer(() => c.source.close());
    symlinkSync(outside, join(tasksDir, 'evil-later'));
    writeAtomicSync(join(outside, 'ipc', '002.question'), 'and here');
    writeAtomicSync(join(tasksDir, 'good', 'ipc', '001.question'), 'q?');
    await waitFor(() => c.seen().includes('question:good:1'), 'the real task');
    const scans = c.source.stats.scans;
    await waitFor(() => c.source.stats.scans >= scans + 3, 'a few more scans');
    await c.source.scanNow();
    expect(c.seen()).toEqual(['task:good', 'question:good:1']);
    expect(c.source.stats.watching).toBe(true);
  });
});
