import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countNote, withNote, withNotes } from './note.js';
import { parsePlan } from './parse.js';
import { renderPlan, serializePlan } from './serialize.js';
import { summarizePlan } from './summary.js';

const eol = fc.constantFrom('\n', '\r\n', '\r', '');
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
// Characters the syntax cares about, plus any code point and broken UTF-16.
const unit = fc.oneof(
  fc.constantFrom(
    '-',
    '*',
    '+',
    '[',
    ']',
    ' ',
    '\t',
    'x',
    'X',
    '?',
    '!',
    '>',
    '`',
    '~',
    '—',
    '–',
    '\r',
    '\n',
    '1',
    '.',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  loneSurrogate,
);
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit, maxLength: 200 }));

const word = fc.constantFrom(
  'scan',
  'a — b',
  'x - y',
  'ré-run',
  '🔐',
  '检查',
  '`code`',
  '',
  '  ',
  '**Blocker:** why?',
  '<!-- c -->',
);
const planLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', '  ', '\t', '    ', ' \t'),
      fc.constantFrom('-', '*', '+', '1.', '2)', '', '-[x]'),
      fc.constantFrom(' ', '  ', '\t', ''),
      fc.constantFrom('[ ]', '[x]', '[X]', '[?]', '[!]', '[~]', '[', '[]', '[xx]', '[>]'),
      fc.constantFrom(' ', '', '\t'),
      word,
    )
    .map((parts) => parts.join('')),
  fc.tuple(fc.constantFrom('> ', '  > ', '>', '    '), word).map(([q, w]) => q + w),
  fc.constantFrom(
    '```',
    '~~~',
    '````',
    '```js',
    '# Title',
    '',
    '> **Note from dispatcher:** n <!-- dispatch-note:a -->',
  ),
);
const planText = fc.array(fc.tuple(planLine, eol), { maxLength: 30 }).map((ls) => ls.map(([l, e]) => l + e).join(''));

describe('parsePlan properties', () => {
  it('round-trips any string exactly and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, planText), (text) => {
        expect(serializePlan(parsePlan(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps items consistent with the lines they sit on', () => {
    fc.assert(
      fc.property(planText, (text) => {
        const plan = parsePlan(text);
        plan.items.forEach((item, i) => {
          expect(item.index).toBe(i);
          expect(plan.lines[item.line]).toMatchObject({ kind: 'item', item: i });
          expect(item.text).toBe(item.text.trim());
          if (item.mark !== 'done') expect(item.note).toBeUndefined();
          if (item.mark !== 'blocked' && item.mark !== 'error') expect(item.detail).toBeUndefined();
        });
        expect(plan.lines.filter((l) => l.kind === 'item')).toHaveLength(plan.items.length);
        // Only a last line may lack an ending.
        expect(plan.lines.slice(0, -1).every((l) => l.eol !== '')).toBe(true);
        const s = summarizePlan(plan);
        expect(s.done + s.pending + s.blocked + s.error).toBe(s.total);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('renderPlan properties', () => {
  const step = fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !/[\r\n]/.test(s) && s.trim() !== '');

  it('renders steps that parse back as the same pending items, in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(step, { maxLength: 10 }), (title, steps) => {
        const plan = parsePlan(renderPlan(title, steps));
        expect(plan.items.map((i) => [i.text, i.mark, i.indent])).toEqual(steps.map((s) => [s.trim(), 'pending', 0]));
        expect(plan.lines[0]?.text.startsWith('#')).toBe(true);
        expect(plan.lines[0]?.eol).toBe('\n');
      }),
    );
  });
});

describe('withNote properties', () => {
  const noteText = fc
    .array(fc.constantFrom('focus', 'on', 'JWT', '—', '-', '🙂', 'ü', ' ', '\n', '\r\n', '.'), { maxLength: 12 })
    .map((parts) => parts.join(''))
    .filter((t) => t.trim() !== '');

  it('keeps the text as a prefix and its items, and adds exactly one findable note', () => {
    fc.assert(
      fc.property(planText, noteText, (text, note) => {
        const next = withNote(text, 'n-1', note);
        const before = parsePlan(text);
        const after = parsePlan(next);
        expect(next.startsWith(text)).toBe(true);
        expect(after.items).toEqual(before.items);
        expect(countNote(next, 'n-1')).toBe(countNote(text, 'n-1') + 1);
        const expected = note
          .trim()
          .split(/\r\n|\r|\n/)
          .map((l) => l.trim())
          .join('\n');
        expect(after.notes.at(-1)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('withNotes writes what withNote one note after another writes', () => {
    fc.assert(
      fc.property(fc.oneof(planText, anyText), fc.array(noteText, { maxLength: 4 }), (text, notes) => {
        const list = notes.map((t, i) => ({ id: `n-${i}`, text: t }));
        expect(withNotes(text, list)).toBe(list.reduce((acc, n) => withNote(acc, n.id, n.text), text));
      }),
      { numRuns: 1000 },
    );
  });
});
