import { mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDispatchDir } from '../../test/fixtures/watch/helpers.js';
import { ipcFileName, parseIpcFileName } from '../questions.js';
import { parseExitName, parseIpcName } from './facts.js';
import { scanTasks } from './scan.js';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

function touch(file: string, text = 'x'): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

describe('scanTasks', () => {
  it('lists every fact of every task in the stable delivery order', async () => {
    const { dispatchDir, tasksDir, cleanup } = tempDispatchDir();
    dirs.push(cleanup);
    const t = join(tasksDir, 'alpha');
    touch(join(t, 'plan.md'), '# Alpha\n- [ ] one\n');
    for (const name of ['002.question', '001.done', '001.answer', '001.question', '.done']) touch(join(t, 'ipc', name));
    for (const name of ['10.exit', '2.exit', '2.json', '2.pid']) touch(join(t, 'attempts', name));
    for (const name of ['1700000000002-0000000b.json', '1700000000001-0000000a.json']) touch(join(t, 'requests', name));
    mkdirSync(join(tasksDir, 'beta'));

    const facts = await scanTasks(dispatchDir);
    const { mtimeMs, size } = statSync(join(t, 'plan.md'));
    expect(facts).toEqual([
      { type: 'task', taskId: 'alpha' },
      { type: 'plan', taskId: 'alpha', mtimeMs, size },
      { type: 'question', taskId: 'alpha', seq: 1 },
      { type: 'answer', taskId: 'alpha', seq: 1 },
      { type: 'ack', taskId: 'alpha', seq: 1 },
      { type: 'question', taskId: 'alpha', seq: 2 },
      { type: 'worker-done', taskId: 'alpha' },
      { type: 'exit', taskId: 'alpha', attempt: 2 },
      { type: 'exit', taskId: 'alpha', attempt: 10 },
      { type: 'request', taskId: 'alpha', name: '1700000000001-0000000a.json' },
      { type: 'request', taskId: 'alpha', name: '1700000000002-0000000b.json' },
      { type: 'task', taskId: 'beta' },
    ]);
  });

  it('skips temp files, non-protocol names and folders that are not task ids', async () => {
    const { dispatchDir, tasksDir, cleanup } = tempDispatchDir();
    dirs.push(cleanup);
    const t = join(tasksDir, 'gamma');
    const skipped = [
      '.001.question.123.0123456789ab.tmp',
      '001.question.tmp',
      '0001.question',
      '000.question',
      '1.question',
      '001.questions',
      'notes.txt',
    ];
    for (const name of skipped) touch(join(t, 'ipc', name));
    mkdirSync(join(t, 'ipc', '003.question')); // a folder, not a question
    touch(join(t, 'attempts', '0.exit'));
    touch(join(t, 'attempts', '1.exit.tmp'));
    for (const name of ['.hidden.json', '1-a.json', '1700000000000-0000000A.json']) touch(join(t, 'requests', name));
    touch(join(t, 'requests', '.x.json.99.0123456789ab.tmp'));
    touch(join(tasksDir, 'Not_An_Id', 'ipc', '001.question'));
    symlinkSync(t, join(tasksDir, 'alias')); // a symlinked folder is never a task
    touch(join(tasksDir, 'a-file-not-a-folder'));
    expect(await scanTasks(dispatchDir)).toEqual([{ type: 'task', taskId: 'gamma' }]);
  });

  it('finds nothing, without error, when tasks/ does not exist yet', async () => {
    expect(await scanTasks('/nonexistent/.dispatch')).toEqual([]);
  });
});

describe('name parsers', () => {
  it('accept only canonical protocol names', () => {
    expect(parseIpcName('001.question')).toEqual({ type: 'question', seq: 1 });
    expect(parseIpcName('1000.done')).toEqual({ type: 'ack', seq: 1000 });
    expect(parseIpcName('.done')).toEqual({ type: 'worker-done' });
    expect(parseIpcName('0010.answer')).toBeUndefined();
    expect(parseIpcFileName('999.answer')).toEqual({ seq: 999, kind: 'answer' });
    for (const name of ['0001.question', '000.question', '01000.done', '1.question', '12.answer']) {
      expect(parseIpcFileName(name)).toBeUndefined();
    }
    expect(parseExitName('3.exit')).toBe(3);
    expect(parseExitName('03.exit')).toBeUndefined();
  });
});

describe('parseIpcFileName', () => {
  const kind = fc.constantFrom('question' as const, 'answer' as const, 'done' as const);

  it('reads back every name ipcFileName writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), kind, (seq, k) => {
        expect(parseIpcFileName(ipcFileName(seq, k))).toEqual({ seq, kind: k });
      }),
    );
  });

  it('accepts no other spelling of a number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,10}$/), kind, (digits, k) => {
        const seq = Number(digits);
        const canonical = seq >= 1 && seq <= 999_999_999 && ipcFileName(seq, k) === `${digits}.${k}`;
        expect(parseIpcFileName(`${digits}.${k}`) !== undefined).toBe(canonical);
      }),
    );
  });
});
