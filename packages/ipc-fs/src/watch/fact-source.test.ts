import { mkdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Collected, collectFacts, duplicates } from '../../test/fixtures/watch/collect.js';
import { cleanupsAfterEach, runWriter, waitFor, writeAtomicSync } from '../../test/fixtures/watch/helpers.js';

const { defer, setup } = cleanupsAfterEach();

async function collect(dispatchDir: string, options: Parameters<typeof collectFacts>[1] = {}): Promise<Collected> {
  const collected = await collectFacts(dispatchDir, options);
  defer(() => collected.source.close());
  return collected;
}

const expected = (tasks: string[], perTask: number) =>
  tasks.flatMap((t) => Array.from({ length: perTask }, (_, i) => `question:${t}:${i + 1}`)).sort();

// Generous: slow CI machines; the waits inside fail on their own, with a message, first.
describe('createFactSource', { timeout: 30_000 }, () => {
  it('reports what existed before start in the initial scan, before it resolves, in order', async () => {
    const { dispatchDir, tasksDir } = setup();
    const t = join(tasksDir, 'early');
    writeAtomicSync(join(t, 'plan.md'), '# Early\n- [ ] a\n');
    for (const name of ['001.question', '001.answer', '001.done', '002.question', '.done'])
      writeAtomicSync(join(t, 'ipc', name), 'x');
    writeAtomicSync(join(t, 'attempts', '1.exit'), '{}');
    writeAtomicSync(join(t, 'requests', '1700000000000-0000000a.json'), '{}');
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    expect(c.seen()).toEqual([
      'task:early',
      'plan:early',
      'question:early:1',
      'answer:early:1',
      'ack:early:1',
      'question:early:2',
      'worker-done:early',
      'exit:early:1',
      'request:early:1700000000000-0000000a.json',
    ]);
    await c.source.scanNow();
    expect(c.facts).toHaveLength(9);
    expect(c.source.stats.factsFromScan).toBe(9);
  });

  it('sees 200 questions written by another process into existing tasks, none twice', async () => {
    const { dispatchDir, tasksDir } = setup();
    const tasks = ['t-1', 't-2', 't-3', 't-4'];
    for (const t of tasks) mkdirSync(join(tasksDir, t, 'ipc'), { recursive: true });
    const c = await collect(dispatchDir, { scanIntervalMs: 500 });
    await runWriter({ tasksDir, tasks, perTask: 50 });
    await waitFor(() => c.seen('question').length >= 200, '200 questions');
    await c.source.scanNow();
    expect(c.seen('question').sort()).toEqual(expected(tasks, 50));
    expect(duplicates(c.seen())).toEqual([]);
    expect(c.source.stats.factsFromWatcher).toBeGreaterThan(0);
  });

  it('sees questions another process writes right after creating their task folders', async () => {
    const { dispatchDir, tasksDir } = setup();
    const tasks = Array.from({ length: 8 }, (_, i) => `new-${i}`);
    const c = await collect(dispatchDir, { scanIntervalMs: 500 });
    await runWriter({ tasksDir, tasks, perTask: 25, createTasks: true });
    await waitFor(() => c.seen('question').length >= 200, '200 questions');
    await c.source.scanNow();
    expect(c.seen('question').sort()).toEqual(expected(tasks, 25));
    expect(c.seen('task').sort()).toEqual(tasks.map((t) => `task:${t}`).sort());
    expect(duplicates(c.seen())).toEqual([]);
  });

  it('without any scan, catches a question written the moment its folders are created', async () => {
    const { dispatchDir, tasksDir } = setup();
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    writeAtomicSync(join(tasksDir, 'racy', 'ipc', '001.question'), 'q?');
    await waitFor(() => c.seen().includes('question:racy:1'), 'the first question');
    expect(c.seen()).toEqual(['task:racy', 'question:racy:1']);
    // The task is known now; its attempts/ folder is made and written in one go.
    writeAtomicSync(join(tasksDir, 'racy', 'attempts', '1.exit'), '{}');
    await waitFor(() => c.seen().includes('exit:racy:1'), 'the exit record');
    expect(c.source.stats.factsFromScan).toBe(0);
  });

  it('reports answers, acks, worker-done, exits and requests as they appear', async () => {
    const { dispatchDir, tasksDir } = setup();
    const t = join(tasksDir, 'flow');
    mkdirSync(join(t, 'ipc'), { recursive: true });
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    const steps: Array<[string, string]> = [
      ['ipc/001.question', 'question:flow:1'],
      ['ipc/001.answer', 'answer:flow:1'],
      ['ipc/001.done', 'ack:flow:1'],
      ['requests/1700000000000-abcd0123.json', 'request:flow:1700000000000-abcd0123.json'],
      ['ipc/.done', 'worker-done:flow'],
      ['attempts/1.exit', 'exit:flow:1'],
    ];
    for (const [file, fact] of steps) {
      writeAtomicSync(join(t, file), '{}');
      await waitFor(() => c.seen().includes(fact), fact);
    }
    await c.source.scanNow();
    expect(c.seen()).toEqual(['task:flow', ...steps.map(([, fact]) => fact)]);
  });

  it('reports a request file once, and again only if its name reappears after removal', async () => {
    const { dispatchDir, tasksDir } = setup();
    const file = join(tasksDir, 'req', 'requests', '1700000000000-0000000b.json');
    writeAtomicSync(file, '{"type":"cancel"}');
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    writeAtomicSync(file, '{"type":"cancel"}'); // replaced while pending: still the same request
    await c.source.scanNow();
    expect(c.seen('request')).toEqual(['request:req:1700000000000-0000000b.json']);
    unlinkSync(file);
    await c.source.scanNow();
    writeAtomicSync(file, '{"type":"note","text":"again"}');
    await waitFor(() => c.seen('request').length === 2, 'the request written again');
  });

  it('treats a task folder deleted and re-created under the same id as a new task', async () => {
    const { dispatchDir, tasksDir } = setup();
    const question = join(tasksDir, 'again', 'ipc', '001.question');
    writeAtomicSync(question, 'first life');
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    rmSync(join(tasksDir, 'again'), { recursive: true });
    await c.source.scanNow();
    writeAtomicSync(question, 'second life');
    await waitFor(() => c.seen('question').length === 2, 'the question of the new folder');
    expect(c.seen()).toEqual(['task:again', 'question:again:1', 'task:again', 'question:again:1']);
  });

  it('reports plan.md on each change, one fact for a burst of saves', async () => {
    const { dispatchDir, tasksDir } = setup();
    const plan = join(tasksDir, 'planner', 'plan.md');
    writeAtomicSync(plan, '# P\n- [ ] a\n');
    const c = await collect(dispatchDir, { scanIntervalMs: 0, debounceMs: 50 });
    expect(c.seen('plan')).toEqual(['plan:planner']);
    const version = () => ({ mtimeMs: statSync(plan).mtimeMs, size: statSync(plan).size });
    const hasVersion = (v: { mtimeMs: number; size: number }) => () =>
      c.facts.some((f) => f.type === 'plan' && f.mtimeMs === v.mtimeMs && f.size === v.size);

    writeAtomicSync(plan, '# P\n- [x] a\n- [ ] b\n');
    await waitFor(hasVersion(version()), 'the edited plan');
    expect(c.seen('plan')).toHaveLength(2);

    // Ten rename-saves in one go, as an editor or a worker in a hurry would do.
    for (let i = 0; i < 10; i++) writeAtomicSync(plan, `# P\n- [x] a\n- [ ] b${'!'.repeat(i)}\n`);
    await waitFor(hasVersion(version()), 'the last save of the burst');
    await c.source.scanNow();
    expect(c.seen('plan')).toHaveLength(3);
  });

  it('ignores temp files until they are renamed into place', async () => {
    const { dispatchDir, tasksDir } = setup();
    const ipc = join(tasksDir, 'temps', 'ipc');
    mkdirSync(ipc, { recursive: true });
    const c = await collect(dispatchDir, { scanIntervalMs: 0 });
    const temp = join(ipc, '.001.question.4242.0123456789ab.tmp');
    writeFileSync(temp, 'half a quest');
    writeFileSync(join(ipc, '002.question.tmp'), 'plain temp');
    await c.source.scanNow();
    expect(c.seen()).toEqual(['task:temps']);
    renameSync(temp, join(ipc, '001.question'));
    await waitFor(() => c.seen().includes('question:temps:1'), 'the renamed question');
    await c.source.scanNow();
    expect(c.seen()).toEqual(['task:temps', 'question:temps:1']);
  });

  it('close() stops delivery and leaves no timer or watch handle behind', async () => {
    const { dispatchDir, tasksDir } = setup();
    // An fs.watch handle leaves the active list a turn after its close(): wait, never assume.
    const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;
    await waitFor(() => count('FSEventWrap') === 0, "earlier tests' watches to close");
    const timersBefore = count('Timeout');
    const c = await collectFacts(dispatchDir, { scanIntervalMs: 100 });
    writeAtomicSync(join(tasksDir, 'closing', 'plan.md'), '# C\n');
    await waitFor(() => c.seen().includes('plan:closing'), 'the plan');
    expect(count('FSEventWrap')).toBeGreaterThan(0);
    await c.source.close();
    writeAtomicSync(join(tasksDir, 'closing', 'ipc', '001.question'), 'anyone?');
    await c.source.scanNow();
    // A periodic scan may report the fresh plan again before close(), never the question after.
    expect([...new Set(c.seen())]).toEqual(['task:closing', 'plan:closing']);
    expect(c.source.stats.watching).toBe(false);
    await waitFor(() => count('FSEventWrap') === 0, 'every watch handle to close');
    // A one-shot timer of a library (chokidar's throttles) may outlive close() by a moment; a
    // leaked interval (the periodic scan) would never go: wait a little, then it must be gone.
    await waitFor(() => count('Timeout') <= timersBefore, "the source's timers to be cleared", 3_000);
  });
});
