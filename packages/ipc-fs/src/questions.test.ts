import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import {
  type IpcError,
  listIpc,
  markWorkerDone,
  nextQuestionSeq,
  pendingQuestions,
  readAnswer,
  readContext,
  taskPaths,
  writeContext,
  writeAck,
  writeAnswer,
  writeQuestion,
} from './index.js';

async function ipcDir() {
  const dir = join(await tempDir(), 'ipc');
  await mkdir(dir);
  return dir;
}

describe('questions and answers', () => {
  it('numbers questions from 001 as highest + 1, even with gaps', async () => {
    const ipc = await ipcDir();
    expect(await nextQuestionSeq(ipc)).toBe(1);
    expect(await writeQuestion(ipc, 'first?')).toBe(1);
    await writeFile(join(ipc, '005.question'), 'by hand\n');
    expect(await writeQuestion(ipc, 'next?')).toBe(6);
    expect(await readFile(join(ipc, '006.question'), 'utf8')).toBe('next?\n');
  });

  it('racing askers each get their own number', async () => {
    const ipc = await ipcDir();
    const seqs = await Promise.all(Array.from({ length: 6 }, (_, i) => writeQuestion(ipc, `q${i}`)));
    expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a question is pending until its answer exists; the answer is verbatim', async () => {
    const ipc = await ipcDir();
    await writeQuestion(ipc, 'JWT or sessions?');
    await writeQuestion(ipc, 'Tests too?');
    expect(await pendingQuestions(ipc)).toEqual([
      { seq: 1, text: 'JWT or sessions?' },
      { seq: 2, text: 'Tests too?' },
    ]);
    await writeAnswer(ipc, 1, 'Focus on JWT — sessions are deprecated.\n');
    expect(await readFile(join(ipc, '001.answer'), 'utf8')).toBe('Focus on JWT — sessions are deprecated.\n');
    expect(await readAnswer(ipc, 1)).toBe('Focus on JWT — sessions are deprecated.');
    expect(await readAnswer(ipc, 2)).toBeNull();
    expect(await pendingQuestions(ipc)).toEqual([{ seq: 2, text: 'Tests too?' }]);
  });

  it('8 racing answers: exactly one answer, 7 clear errors', async () => {
    const ipc = await ipcDir();
    await writeQuestion(ipc, 'q');
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeAnswer(ipc, 1, `a${i}`)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as IpcError] : []));
    expect(errors).toHaveLength(7);
    for (const e of errors) expect(e.message).toMatch(/question 1 is already answered/);
    expect(await readAnswer(ipc, 1)).toMatch(/^a[0-7]$/);
  });

  it('refuses to answer a question that was never asked', async () => {
    const ipc = await ipcDir();
    await expect(writeAnswer(ipc, 3, 'x')).rejects.toMatchObject({ code: 'no-such-question' });
    expect((await listIpc(ipc)).answers.size).toBe(0);
  });

  it('lists acks and the done marker, and ignores temp and foreign files', async () => {
    const ipc = await ipcDir();
    await writeQuestion(ipc, 'q');
    await writeAnswer(ipc, 1, 'a');
    await writeAck(ipc, 1);
    await markWorkerDone(ipc);
    await writeFile(join(ipc, '002.question.tmp'), 'half');
    await writeFile(join(ipc, 'notes.txt'), '');
    const listing = await listIpc(ipc);
    expect(listing).toEqual({ questions: [1], answers: new Set([1]), acks: new Set([1]), workerDone: true });
  });

  it('a missing ipc folder lists as empty', async () => {
    expect(await listIpc('/nonexistent/ipc')).toMatchObject({ questions: [], workerDone: false });
  });
});

describe('context.md', () => {
  it('is written atomically and read back; a missing one reads as null', async () => {
    const paths = taskPaths(await tempDir(), 'ctx');
    await mkdir(paths.dir, { recursive: true });
    expect(await readContext(paths)).toBeNull();
    await writeContext(paths, 'Working on: review auth');
    expect(await readContext(paths)).toBe('Working on: review auth\n');
  });
});
