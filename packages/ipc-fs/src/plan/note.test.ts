import { describe, expect, it } from 'vitest';
import { countNote, formatNote, withNote } from './note.js';
import { parsePlan } from './parse.js';

describe('formatNote', () => {
  it('puts the hidden marker at the end of the first line', () => {
    expect(formatNote('req-7', 'focus on JWT')).toEqual([
      '> **Note from dispatcher:** focus on JWT <!-- dispatch-note:req-7 -->',
    ]);
  });

  it('continues extra lines in the quote, keeping paragraph breaks', () => {
    expect(formatNote('a', 'one\n\ntwo\r\nthree')).toEqual([
      '> **Note from dispatcher:** one <!-- dispatch-note:a -->',
      '>',
      '> two',
      '> three',
    ]);
  });
});

describe('withNote', () => {
  it('adds no second blank line when the text already ends with one', () => {
    expect(withNote('- [ ] a\n\n', 'n', 'x')).toBe(
      '- [ ] a\n\n> **Note from dispatcher:** x <!-- dispatch-note:n -->\n',
    );
  });

  it('writes an empty file as just the note', () => {
    expect(withNote('', 'n', 'x')).toBe('> **Note from dispatcher:** x <!-- dispatch-note:n -->\n');
  });

  it('does not merge into a previous note’s quote', () => {
    const text = withNote(withNote('# T\n', 'a', 'first'), 'b', 'second');
    expect(parsePlan(text).notes).toEqual(['first', 'second']);
  });
});

describe('countNote', () => {
  it('counts markers on note lines only', () => {
    const marker = '<!-- dispatch-note:n1 -->';
    const text = [
      `> **Note from dispatcher:** a ${marker}`,
      `plain text ${marker}`,
      '```',
      `> **Note from dispatcher:** in code ${marker}`,
      '```',
      `> **Note from dispatcher:** b ${marker}`,
      `> **Note from dispatcher:** c <!-- dispatch-note:n10 -->`,
    ].join('\n');
    expect(countNote(text, 'n1')).toBe(2);
    expect(countNote(text, 'n10')).toBe(1);
    expect(countNote(text, 'n')).toBe(0);
  });
});
