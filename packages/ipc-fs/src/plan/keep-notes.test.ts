import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendNote } from './edit.js';
import { createNoteKeeper, type KeptNote } from './keep-notes.js';
import { noteIdsIn } from './note.js';
import { countNote } from './note.js';

const fast = { settleMs: 5 };
let dir: string;
let plan: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dispatch-keep-notes-'));
  plan = join(dir, 'plan.md');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createNoteKeeper', () => {
  it('puts back, once, a note that a worker rewriting from its stale copy dropped after appendNote returned; the worker edit stays', async () => {
    const stale = '# T\n- [ ] a\n- [ ] b\n';
    await writeFile(plan, stale);
    expect(await appendNote(plan, 'n1', 'focus on JWT', fast)).toBe('added');
    // The worker read plan.md before the note came, then writes its edit of that copy.
    await writeFile(plan, stale.replace('- [ ] a', '- [x] a — done'));
    const restored: KeptNote[] = [];
    const keeper = createNoteKeeper(plan, { onRestored: (n) => restored.push(n), append: fast });
    keeper.remember({ id: 'n1', text: 'focus on JWT' });
    await keeper.check();
    await keeper.check();
    const text = await readFile(plan, 'utf8');
    expect(countNote(text, 'n1')).toBe(1);
    expect(text).toContain('- [x] a — done');
    expect(restored).toEqual([{ id: 'n1', text: 'focus on JWT' }]);
  });

  it('adds nothing it was not told of, and does nothing without a plan', async () => {
    const keeper = createNoteKeeper(plan, { append: fast });
    keeper.remember({ id: 'n1', text: 'x' });
    await keeper.check(); // no plan.md: nothing to do, no error
    await writeFile(plan, '# T\n- [ ] a\n');
    const empty = createNoteKeeper(plan, { append: fast });
    await empty.check();
    expect(await readFile(plan, 'utf8')).toBe('# T\n- [ ] a\n');
  });

  it('folds checks made during a pass into one more pass', async () => {
    await writeFile(plan, '# T\n- [ ] a\n');
    const restored: string[] = [];
    const keeper = createNoteKeeper(plan, { onRestored: (n) => restored.push(n.id), append: fast });
    keeper.remember({ id: 'n1', text: 'one' });
    keeper.remember({ id: 'n2', text: 'two' });
    const first = keeper.check();
    const second = keeper.check();
    const third = keeper.check();
    await Promise.all([first, second, third]);
    expect(restored.sort()).toEqual(['n1', 'n2']);
    expect(noteIdsIn(await readFile(plan, 'utf8'))).toEqual(new Set(['n1', 'n2']));
  });
});

describe('noteIdsIn', () => {
  it('finds the hidden ids of note lines only', () => {
    const text =
      '# T\n> **Note from dispatcher:** hi <!-- dispatch-note:a -->\n```\n> **Note from dispatcher:** no <!-- dispatch-note:b -->\n```\n';
    expect(noteIdsIn(text)).toEqual(new Set(['a']));
  });
});
