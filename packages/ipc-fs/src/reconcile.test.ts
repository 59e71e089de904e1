import type { ExitClassifier } from './task-state.js';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import {
  createTaskFolder,
  EventLogWriter,
  reconcileWorkspace,
  renderPlan,
  taskPaths,
  writeFileAtomic,
  writeQuestion,
  type TaskFile,
} from './index.js';

/** These tests are about the protocol: no exit is classified (the runtime supplies the real classifier). */
const noCause: ExitClassifier = async () => null;

const T0 = Date.parse('2026-11-24T10:00:00.000Z');

async function task(dispatchDir: string, id: string, running: boolean) {
  const file: TaskFile = {
    id,
    title: id,
    prompt: 'p',
    model: 'opus',
    backend: 'claude',
    options: {},
    createdAt: new Date(T0).toISOString(),
  };
  const paths = await createTaskFolder(dispatchDir, file, renderPlan(id, ['one', 'two']));
  if (running) {
    const log = await EventLogWriter.open(paths.events);
    await log.append({ type: 'task.created', at: T0, input: { id, model: 'opus', createdAt: T0 } });
    await log.append({ type: 'start', at: T0 });
    await log.append({ type: 'worker.started', at: T0, attempt: 1, model: 'opus', pid: 99999 });
  }
  return paths;
}

describe('reconcileWorkspace', () => {
  it('reports unanswered questions, finished and lost workers, stale temps and unreadable tasks', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const asking = await task(dispatchDir, 'asking', true);
    await writeQuestion(asking.ipc, 'JWT or sessions?');

    const finished = await task(dispatchDir, 'finished', true);
    await writeFileAtomic(
      join(finished.attempts, '1.exit'),
      '{"code":0,"signal":null,"at":"2026-11-24T10:01:00.000Z"}',
    );

    const lost = await task(dispatchDir, 'lost', true);
    await writeFileAtomic(join(lost.attempts, '1.pid'), '99999 12345\n');
    const stale = join(lost.ipc, '002.question.tmp');
    await writeFile(stale, 'half a question');
    const old = new Date(Date.now() - 120_000);
    await utimes(stale, old, old);

    await task(dispatchDir, 'queued', false);
    const broken = taskPaths(dispatchDir, 'broken');
    await (await import('node:fs/promises')).mkdir(broken.dir, { recursive: true });
    await writeFile(broken.taskJson, '{ not json');

    const reports = await reconcileWorkspace(dispatchDir, { classify: noCause, isAlive: () => false, clean: true });
    const by = Object.fromEntries(reports.map((r) => [r.id, r]));
    expect(Object.keys(by)).toEqual(['asking', 'broken', 'finished', 'lost', 'queued']);

    expect(by.asking).toMatchObject({
      state: 'awaiting-answer',
      pendingQuestions: [{ seq: 1, text: 'JWT or sessions?' }],
      lostWorker: null,
    });
    expect(by.finished).toMatchObject({ state: 'failed', finishedWorker: { attempt: 1, code: 0, signal: null } });
    expect(by.lost).toMatchObject({ state: 'running', lostWorker: { attempt: 1, pid: 99999 }, staleTemps: [stale] });
    expect(await readdir(lost.ipc)).toEqual([]);
    expect(by.queued).toMatchObject({ state: 'queued', error: null });
    expect(by.broken?.state).toBeNull();
    expect(by.broken?.error?.message).toMatch(/task\.json: not valid JSON/);
  });

  it('without clean, stale temps are reported and left; an empty workspace reports nothing', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    expect(await reconcileWorkspace(dispatchDir, { classify: noCause })).toEqual([]);
    const paths = await task(dispatchDir, 'a', false);
    const tmp = join(paths.dir, '.plan.md.123.abcdefabcdef.tmp');
    await writeFile(tmp, '');
    const old = new Date(Date.now() - 120_000);
    await utimes(tmp, old, old);
    const [report] = await reconcileWorkspace(dispatchDir, { classify: noCause });
    expect(report?.staleTemps).toEqual([tmp]);
    expect(await readdir(paths.dir)).toContain('.plan.md.123.abcdefabcdef.tmp');
  });
});
