import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/tmp.js';
import {
  claimAttempt,
  EventLogWriter,
  type IpcError,
  listAttempts,
  readAttemptClaim,
  readEventLog,
  readExitRecord,
  readPidRecord,
  readRequests,
  removeRequest,
  toMachineEvents,
  writeRequest,
} from './index.js';

describe('attempt records', () => {
  const claim = (attempt: number) => ({
    attempt,
    model: 'opus',
    backend: 'claude',
    claimedAt: '2026-11-24T10:00:00.000Z',
  });

  it('an attempt is claimed exactly once, even by 8 racing daemons', async () => {
    const dir = await tempDir();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => claimAttempt(dir, claim(1))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as IpcError).code).toBe('attempt-claimed');
    }
    expect(await readAttemptClaim(dir, 1)).toEqual(claim(1));
    await claimAttempt(dir, claim(2));
    expect(await listAttempts(dir)).toEqual([1, 2]);
  });

  it('reads exit and pid records as the wrapper writes them', async () => {
    const dir = await tempDir();
    expect(await readExitRecord(dir, 1)).toBeNull();
    await writeFile(join(dir, '1.exit'), '{"code":0,"signal":"","at":"2026-11-24T10:05:00.000Z"}\n');
    expect(await readExitRecord(dir, 1)).toEqual({ code: 0, signal: null, at: '2026-11-24T10:05:00.000Z' });
    await writeFile(join(dir, '2.exit'), '{"code":null,"signal":"SIGKILL","at":"2026-11-24T10:06:00.000Z"}');
    expect(await readExitRecord(dir, 2)).toMatchObject({ code: null, signal: 'SIGKILL' });
    await writeFile(join(dir, '1.pid'), '4242 123456789\n');
    expect(await readPidRecord(dir, 1)).toEqual({ pid: 4242, startTime: '123456789' });
    await writeFile(join(dir, '3.exit'), 'garbage');
    expect(await readExitRecord(dir, 3)).toBeNull();
  });
});

describe('requests', () => {
  it('are read back in the order they were written, malformed ones apart', async () => {
    const dir = await tempDir();
    const first = await writeRequest(dir, { type: 'note', text: 'focus on JWT' }, 1000);
    await writeRequest(dir, { type: 'cancel' }, 2000);
    await writeFile(join(dir, '0000000001500-deadbeef.json'), '{"type":"explode"}');
    const { requests, errors } = await readRequests(dir);
    expect(requests.map((r) => r.request)).toEqual([{ type: 'note', text: 'focus on JWT' }, { type: 'cancel' }]);
    expect(requests[0]?.at).toBe(1000);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/unknown request type "explode"/)]);
    await removeRequest(dir, first);
    await removeRequest(dir, first);
    expect((await readRequests(dir)).requests).toHaveLength(1);
  });
});

describe('event log', () => {
  it('appends numbered, durable lines in the contract shape and reads them back', async () => {
    const path = join(await tempDir(), 'events.jsonl');
    const log = await EventLogWriter.open(path);
    const at = Date.parse('2026-11-24T10:00:00.000Z');
    await Promise.all([
      log.append({ type: 'task.created', at, input: { id: 't', model: 'opus', createdAt: at } }),
      log.append({ type: 'question.asked', at: at + 1, question: { seq: 1, text: 'q' } }),
    ]);
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ seq: 1, at: '2026-11-24T10:00:00.000Z', type: 'task.created' });
    expect(lines[1]).toEqual({
      seq: 2,
      at: '2026-11-24T10:00:00.001Z',
      type: 'question.asked',
      question: { seq: 1, text: 'q' },
    });
    const { events } = await readEventLog(path);
    expect(toMachineEvents(events)[1]).toEqual({ type: 'question.asked', at: at + 1, question: { seq: 1, text: 'q' } });
  });

  it('tolerates a torn last line, and a new writer fences it off and continues the numbering', async () => {
    const dir = await tempDir();
    const path = join(dir, 'events.jsonl');
    await writeFile(path, '{"seq":1,"at":"2026-11-24T10:00:00.000Z","type":"start"}\n{"seq":2,"at":"2026-11-24T1');
    expect(await readEventLog(path)).toMatchObject({ torn: true, skipped: 0, events: [{ seq: 1 }] });
    const log = await EventLogWriter.open(path);
    expect(log.seq).toBe(1);
    await log.append({ type: 'cancel', at: Date.parse('2026-11-24T10:00:01.000Z') });
    const read = await readEventLog(path);
    expect(read.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'start'],
      [2, 'cancel'],
    ]);
    expect(read.skipped).toBe(1);
  });

  it('continues a log just read without reading it again: a torn last line is fenced off at the first append', async () => {
    const dir = await tempDir();
    const path = join(dir, 'events.jsonl');
    const whole = '{"seq":1,"at":"2026-11-24T10:00:00.000Z","type":"start"}';
    for (const tail of ['\n', '', '\n{"seq":2,"at":"2026-11-24T1']) {
      await writeFile(path, `${whole}${tail}`);
      const log = EventLogWriter.continue(path, (await readEventLog(path)).events);
      expect(log.seq).toBe(1);
      await log.append({ type: 'cancel', at: Date.parse('2026-11-24T10:00:01.000Z') });
      await log.append({ type: 'note.added', at: Date.parse('2026-11-24T10:00:02.000Z') });
      const read = await readEventLog(path);
      expect(read.events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'start'],
        [2, 'cancel'],
        [3, 'note.added'],
      ]);
      expect(read.torn).toBe(false);
    }
    const fresh = join(dir, 'none-yet.jsonl');
    await EventLogWriter.continue(fresh, []).append({ type: 'start', at: 0 });
    expect((await readEventLog(fresh)).events.map((e) => e.seq)).toEqual([1]);
  });

  it('skips lines that are not events, and unknown types are kept for readers to skip', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'events.jsonl');
    await appendFile(path, 'not json\n{"seq":1,"at":"2026-11-24T10:00:00.000Z","type":"from.the.future","x":1}\n[]\n');
    const read = await readEventLog(path);
    expect(read.skipped).toBe(2);
    expect(read.events.map((e) => e.type)).toEqual(['from.the.future']);
  });

  it('a missing log reads as empty', async () => {
    expect(await readEventLog('/nonexistent/events.jsonl')).toEqual({
      events: [],
      torn: false,
      skipped: 0,
      unknown: [],
      malformed: [],
    });
  });
});
