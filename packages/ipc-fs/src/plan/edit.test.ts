import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpcError } from '../errors.js';
import { appendNote, appendNotes, type NoteRetryReason } from './edit.js';
import { countNote } from './note.js';
import { parsePlan } from './parse.js';

const fast = { settleMs: 5 };
let dir: string;
let plan: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dispatch-plan-edit-'));
  plan = join(dir, 'plan.md');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const note = (id: string, text: string): string => `> **Note from dispatcher:** ${text} <!-- dispatch-note:${id} -->`;

describe('appendNote', () => {
  it('appends the note after a blank line and says it added it', async () => {
    await writeFile(plan, '# T\n- [ ] a\n');
    expect(await appendNote(plan, 'n1', 'focus on JWT', fast)).toBe('added');
    expect(await readFile(plan, 'utf8')).toBe(`# T\n- [ ] a\n\n${note('n1', 'focus on JWT')}\n`);
    expect(parsePlan(await readFile(plan, 'utf8')).notes).toEqual(['focus on JWT']);
  });

  it('never doubles a note: a repeat is "present" and leaves the file alone', async () => {
    await writeFile(plan, '# T\n- [ ] a\n');
    await appendNote(plan, 'n1', 'once', fast);
    const after = await readFile(plan, 'utf8');
    expect(await appendNote(plan, 'n1', 'once', fast)).toBe('present');
    expect(await appendNote(plan, 'n1', 'different text, same id', fast)).toBe('present');
    expect(await readFile(plan, 'utf8')).toBe(after);
  });

  it('separates consecutive notes with one blank line, in call order; each starts a new line', async () => {
    await writeFile(plan, '# T\n- [ ] a\n\n');
    const results = await Promise.all(['1', '2', '3'].map((n) => appendNote(plan, `n${n}`, `note ${n}`, fast)));
    expect(results).toEqual(['added', 'added', 'added']);
    // A plan ending in a blank line gets one more: the note's own line break comes first, in case
    // a worker's write (without a last newline) lands just before it.
    expect(await readFile(plan, 'utf8')).toBe(
      `# T\n- [ ] a\n\n\n${note('n1', 'note 1')}\n\n${note('n2', 'note 2')}\n\n${note('n3', 'note 3')}\n`,
    );
  });

  it('adds a note once when the same id is appended concurrently', async () => {
    await writeFile(plan, '# T\n');
    const results = await Promise.all([1, 2, 3, 4].map(() => appendNote(plan, 'same', 'x', fast)));
    expect(results.sort()).toEqual(['added', 'present', 'present', 'present']);
    expect(countNote(await readFile(plan, 'utf8'), 'same')).toBe(1);
  });

  it('writes in the file’s own line ending and finishes a cut last line', async () => {
    await writeFile(plan, '# T\r\n- [x] a\r\n- [ ] b');
    await appendNote(plan, 'n1', 'hi', fast);
    expect(await readFile(plan, 'utf8')).toBe(`# T\r\n- [x] a\r\n- [ ] b\r\n\r\n${note('n1', 'hi')}\r\n`);
  });

  it('continues a multi-line note on quoted lines', async () => {
    await writeFile(plan, '- [ ] a\n');
    await appendNote(plan, 'n1', '  first\r\nsecond — with a dash\n\nthird  \n', fast);
    const text = await readFile(plan, 'utf8');
    expect(text).toBe(`- [ ] a\n\n${note('n1', 'first')}\n> second — with a dash\n>\n> third\n`);
    expect(parsePlan(text).notes).toEqual(['first\nsecond — with a dash\n\nthird']);
  });

  it('keeps the plan’s file mode', async () => {
    await writeFile(plan, '- [ ] a\n');
    await chmod(plan, 0o600);
    await appendNote(plan, 'n1', 'x', fast);
    expect((await stat(plan)).mode & 0o777).toBe(0o600);
  });

  it('refuses a missing plan, a bad id or an empty note, leaving no file behind', async () => {
    await expect(appendNote(plan, 'n1', 'x', fast)).rejects.toMatchObject({ code: 'io' });
    await writeFile(plan, '- [ ] a\n');
    for (const id of ['', 'a b', 'a--b', 'x-->', '-lead', 'a'.repeat(129)]) {
      await expect(appendNote(plan, id, 'x', fast)).rejects.toMatchObject({ code: 'malformed-request' });
    }
    await expect(appendNote(plan, 'ok', ' \n\t ', fast)).rejects.toBeInstanceOf(IpcError);
    expect(await readFile(plan, 'utf8')).toBe('- [ ] a\n');
    expect(await readdir(dir)).toEqual(['plan.md']);
  });

  it('retries when the worker edits between the read and the append, keeping the edit', async () => {
    await writeFile(plan, '# T\n- [ ] a\n- [ ] b\n');
    const retries: NoteRetryReason[] = [];
    const result = await appendNote(plan, 'n1', 'hi', {
      ...fast,
      onRetry: (_, reason) => retries.push(reason),
      interleave: async (phase, attempt) => {
        if (phase === 'before-append' && attempt === 1) await writeFile(plan, '# T\n- [x] a — done\n- [ ] b\n');
      },
    });
    expect(result).toBe('added');
    expect(retries).toEqual(['changed']);
    expect(await readFile(plan, 'utf8')).toBe(`# T\n- [x] a — done\n- [ ] b\n\n${note('n1', 'hi')}\n`);
    expect(await readdir(dir)).toEqual(['plan.md']);
  });

  it('writes again when a stale worker rewrite undoes the note', async () => {
    await writeFile(plan, '# T\n- [ ] a\n');
    const retries: NoteRetryReason[] = [];
    const result = await appendNote(plan, 'n1', 'hi', {
      ...fast,
      onRetry: (_, reason) => retries.push(reason),
      interleave: async (phase, attempt) => {
        // The worker read before our append and writes its version after it.
        if (phase === 'after-append' && attempt === 1) await writeFile(plan, '# T\n- [x] a\n');
      },
    });
    expect(result).toBe('added');
    expect(retries).toEqual(['replaced']);
    expect(await readFile(plan, 'utf8')).toBe(`# T\n- [x] a\n\n${note('n1', 'hi')}\n`);
  });

  it('gives up with plan-conflict after maxAttempts, without writing', async () => {
    await writeFile(plan, '- [ ] a\n');
    let n = 0;
    const attempt = appendNote(plan, 'n1', 'hi', {
      ...fast,
      maxAttempts: 4,
      interleave: async () => writeFile(plan, `- [ ] a ${++n}\n`),
    });
    await expect(attempt).rejects.toMatchObject({ name: 'IpcError', code: 'plan-conflict', file: plan });
    expect(n).toBe(4);
    expect(await readFile(plan, 'utf8')).toBe('- [ ] a 4\n');
    expect(await readdir(dir)).toEqual(['plan.md']);
  });

  it('waits for a fresh empty file to settle before writing to it', async () => {
    await writeFile(plan, '');
    const retries: NoteRetryReason[] = [];
    // Fresh for the whole (long) quiet time, until the first retry ages it: no timing involved.
    await appendNote(plan, 'n1', 'hi', {
      ...fast,
      quietMs: 600_000,
      onRetry: (_, r) => {
        retries.push(r);
        const old = new Date(Date.now() - 3_600_000);
        utimesSync(plan, old, old);
      },
    });
    expect(retries).toEqual(['unsettled']);
    expect(await readFile(plan, 'utf8')).toBe(`${note('n1', 'hi')}\n`);
  });
});

describe('appendNotes', () => {
  it('appends several notes in one write, in order, and says which were there already', async () => {
    await writeFile(plan, `# T\n- [ ] a\n\n${note('n1', 'one')}\n`);
    const outcomes = await appendNotes(
      plan,
      [
        { id: 'n1', text: 'one' },
        { id: 'n2', text: 'two' },
        { id: 'n3', text: 'three' },
      ],
      fast,
    );
    expect([...outcomes]).toEqual([
      ['n1', 'present'],
      ['n2', 'added'],
      ['n3', 'added'],
    ]);
    expect(parsePlan(await readFile(plan, 'utf8')).notes).toEqual(['one', 'two', 'three']);
  });

  it('retries the notes a rewrite undid right after they went in, and keeps the rewrite', async () => {
    const stale = '# T\n- [ ] a\n';
    await writeFile(plan, stale);
    const retries: NoteRetryReason[] = [];
    const outcomes = await appendNotes(
      plan,
      [
        { id: 'n1', text: 'one' },
        { id: 'n2', text: 'two' },
      ],
      {
        ...fast,
        onRetry: (_, reason) => retries.push(reason),
        interleave: async (phase, attempt) => {
          if (phase === 'after-append' && attempt === 1) await writeFile(plan, stale.replace('- [ ] a', '- [x] a'));
        },
      },
    );
    expect([...outcomes.values()]).toEqual(['added', 'added']);
    expect(retries).toEqual(['replaced']);
    const text = await readFile(plan, 'utf8');
    expect([countNote(text, 'n1'), countNote(text, 'n2')]).toEqual([1, 1]);
    expect(text).toContain('- [x] a');
  });
});

describe('appendNote against a write in the last window', () => {
  it('appends after a worker’s in-place write that landed between the last check and the append', async () => {
    await writeFile(plan, '# T\n- [ ] a\n- [ ] b\n');
    let raced = 0;
    const outcome = await appendNote(plan, 'n1', 'focus', {
      ...fast,
      raceWindow: () => {
        if (raced++ === 0) writeFileSync(plan, '# T\n- [x] a — by the worker\n- [ ] b'); // in place, no last newline
      },
    });
    expect(outcome).toBe('added');
    // The note starts its own line whatever the file ended with.
    expect(await readFile(plan, 'utf8')).toBe(`# T\n- [x] a — by the worker\n- [ ] b\n${note('n1', 'focus')}\n`);
  });

  it('keeps a worker’s temp+rename that landed between the last check and the append, and appends again', async () => {
    await writeFile(plan, '# T\n- [ ] a\n- [ ] b\n');
    let raced = 0;
    const retries: NoteRetryReason[] = [];
    const outcome = await appendNote(plan, 'n1', 'focus', {
      ...fast,
      onRetry: (_, reason) => retries.push(reason),
      raceWindow: () => {
        if (raced++ > 0) return;
        // Our note goes into the file this rename replaces: it must not take the worker's edit along.
        writeFileSync(join(dir, 'plan.md.w.tmp'), '# T\n- [x] a — by the worker\n- [ ] b\n');
        renameSync(join(dir, 'plan.md.w.tmp'), plan);
      },
    });
    expect(outcome).toBe('added');
    expect(retries).toEqual(['replaced']);
    expect(await readFile(plan, 'utf8')).toBe(`# T\n- [x] a — by the worker\n- [ ] b\n\n${note('n1', 'focus')}\n`);
  });
});

describe('appendNote and a write cut at a page boundary', () => {
  it('waits even past quietMs: a worker preempted mid-write on a loaded machine leaves such a cut for longer', async () => {
    const head = '# T\n- [ ] a\n';
    const text = head + `${'x'.repeat(8192 - head.length - 1)}\n`; // two pages, ending in a newline
    await writeFile(plan, text);
    const before = new Date(Date.now() - 300);
    utimesSync(plan, before, before); // older than quietMs, younger than a second
    const reasons: NoteRetryReason[] = [];
    expect(await appendNote(plan, 'n1', 'hi', { ...fast, quietMs: 50, onRetry: (_, r) => reasons.push(r) })).toBe(
      'added',
    );
    expect(reasons[0]).toBe('unsettled');
    expect(countNote(await readFile(plan, 'utf8'), 'n1')).toBe(1);
  });

  it('waits for a young plan that stops after a whole number of 4 KiB pages (an in-place write may be under way)', async () => {
    const head = '# T\n- [ ] a\n';
    const text = head + `${'x'.repeat(4096 - head.length - 1)}\n`; // 4096 bytes, ending in a newline
    await writeFile(plan, text);
    const reasons: NoteRetryReason[] = [];
    expect(await appendNote(plan, 'n1', 'hi', { ...fast, quietMs: 100, onRetry: (_, r) => reasons.push(r) })).toBe(
      'added',
    );
    expect(reasons[0]).toBe('unsettled');
    expect(await readFile(plan, 'utf8')).toContain(text);
  });
});
