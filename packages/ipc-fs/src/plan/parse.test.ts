import { describe, expect, it } from 'vitest';
import { parsePlan } from './parse.js';
import { planProgress, summarizePlan } from './summary.js';

const kinds = (text: string): string[] => parsePlan(text).lines.map((line) => line.kind);

describe('parsePlan', () => {
  it('keeps each line and its own ending', () => {
    expect(parsePlan('a\r\nb\rc\n\nd').lines.map(({ text, eol }) => [text, eol])).toEqual([
      ['a', '\r\n'],
      ['b', '\r'],
      ['c', '\n'],
      ['', '\n'],
      ['d', ''],
    ]);
    expect(parsePlan('').lines).toEqual([]);
  });

  it('records the box as written', () => {
    const boxes = parsePlan('- [x] a\n- [X] b\n- [ ] c\n- [\t] d\n- [?] e\n- [!] f\n- [~] g\n').items.map((i) => i.box);
    expect(boxes).toEqual(['x', 'X', ' ', '\t', '?', '!', '~']);
  });

  it('labels detail lines with their item, and fenced lines as code', () => {
    const text = '- [ ] a\n- [!] b\n  Error: x\n\n```\n- [ ] c\n```\n> **Note from dispatcher:** n\n> more\nplain\n';
    expect(kinds(text)).toEqual(['item', 'item', 'detail', 'text', 'fence', 'code', 'fence', 'note', 'note', 'text']);
    expect(parsePlan(text).lines[2]).toMatchObject({ kind: 'detail', item: 1 });
  });

  it('splits only done items at a dash', () => {
    const [done, pending, blocked] = parsePlan('- [x] a — b\n- [ ] a — b\n- [?] a — b\n').items;
    expect(done).toMatchObject({ text: 'a', note: 'b' });
    expect(pending).toMatchObject({ text: 'a — b' });
    expect(pending?.note).toBeUndefined();
    expect(blocked).toMatchObject({ text: 'a — b' });
  });

  it('gathers no detail for pending or done items: their indented lines stay text', () => {
    const plan = parsePlan('- [x] a\n  more about a\n- [ ] b\n  > quoted\n');
    expect(plan.items.map((i) => i.detail)).toEqual([undefined, undefined]);
    expect(plan.lines.map((l) => l.kind)).toEqual(['item', 'text', 'item', 'text']);
  });

  it('does not let a nested item become detail of a blocked parent', () => {
    const plan = parsePlan('- [?] parent\n  > **Blocker:** which?\n  - [ ] child\n    > not the parent’s\n');
    expect(plan.items.map((i) => [i.text, i.detail])).toEqual([
      ['parent', '**Blocker:** which?'],
      ['child', undefined],
    ]);
  });

  it('does not count a dispatcher note inside fenced code, nor a note prefix mid-line', () => {
    const plan = parsePlan('```\n> **Note from dispatcher:** a\n```\ntext > **Note from dispatcher:** b\n');
    expect(plan.notes).toEqual([]);
  });

  it('keeps an empty note and strips only a trailing marker', () => {
    const plan = parsePlan(
      '> **Note from dispatcher:**\n\n> **Note from dispatcher:** x <!-- dispatch-note:a --> y <!-- dispatch-note:b -->\n',
    );
    expect(plan.notes).toEqual(['', 'x <!-- dispatch-note:a --> y']);
  });

  it('picks the majority line ending, LF on a tie or none', () => {
    expect(parsePlan('a\r\nb\r\nc\n').eol).toBe('\r\n');
    expect(parsePlan('a\r\nb\n').eol).toBe('\n');
    expect(parsePlan('a').eol).toBe('\n');
  });

  it('counts tab stops of four in the indent', () => {
    expect(parsePlan('\t- [ ] a\n \t- [ ] b\n    \t- [ ] c\n').items.map((i) => i.indent)).toEqual([4, 4, 8]);
  });

  it('needs a closer of the same character and at least the same length', () => {
    expect(parsePlan('~~~~\n- [ ] a\n```\n~~~\n- [ ] b\n~~~~~\n- [ ] c\n').items.map((i) => i.text)).toEqual(['c']);
    // A closing fence may not carry an info string, so "``` js" does not close.
    expect(parsePlan('```\n- [ ] a\n``` js\n- [ ] b\n').items.map((i) => i.text)).toEqual(['a', 'b']);
  });
});

describe('summarizePlan and planProgress', () => {
  const plan = parsePlan('# P\n- [x] a\n- [X] b\n- [ ] c\n- [~] d\n- [?] e\n- [!] f\n```\n- [x] g\n```\n');

  it('counts items by mark, skipping fenced ones', () => {
    expect(summarizePlan(plan)).toEqual({ total: 6, done: 2, pending: 2, blocked: 1, error: 1 });
  });

  it('reports done of total', () => {
    expect(planProgress(plan)).toEqual({ done: 2, total: 6 });
    expect(planProgress(parsePlan('no items'))).toEqual({ done: 0, total: 0 });
  });
});
