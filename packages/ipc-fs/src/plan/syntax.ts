import type { LineEnding, PlanMark } from './types.js';

/** A line split off the text: its content and the ending that followed it. */
export interface RawLine {
  text: string;
  eol: LineEnding;
}

/**
 * Splits text at every line ending CommonMark knows (LF, CRLF, lone CR), keeping each ending, so
 * joining `text + eol` gives the input back exactly.
 */
export function splitLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    lines.push({ text: m[1] ?? '', eol: (m[2] ?? '') as LineEnding });
  }
  return lines;
}

/** Boxes that count as items; the three extra ones are "in progress"/"cancelled" marks some agents use. */
const MARKS: Record<string, PlanMark> = {
  ' ': 'pending',
  '\t': 'pending',
  x: 'done',
  X: 'done',
  '?': 'blocked',
  '!': 'error',
  '-': 'pending',
  '~': 'pending',
  '/': 'pending',
};

// A bullet (`-`, `*`, `+`, or an ordered `1.`/`1)`), whitespace, a one-character box, then
// whitespace or the end of the line: GitHub's task-list syntax.
const ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([^\]\r\n])\](?:[ \t]+([\s\S]*))?$/;

/** The parts of a checklist item line, or undefined for any other line. */
export interface ItemSyntax {
  indent: number;
  box: string;
  mark: PlanMark;
  rest: string;
}

/** Matches one checklist item line (`- [x] text`), or returns undefined. */
export function matchItem(line: string): ItemSyntax | undefined {
  const m = ITEM.exec(line);
  const box = m?.[2];
  const mark = box === undefined ? undefined : MARKS[box];
  if (m === null || box === undefined || mark === undefined) return undefined;
  return { indent: columns(m[1] ?? ''), box, mark, rest: (m[3] ?? '').trim() };
}

/** Width of leading whitespace in columns, tabs advancing to the next multiple of 4. */
export function columns(prefix: string): number {
  let col = 0;
  for (const ch of prefix) {
    if (ch === '\t') col += 4 - (col % 4);
    else if (ch === ' ') col += 1;
    else break;
  }
  return col;
}

// Separators between a done item's text and its note, strongest first.
// A dash ending the line (a note being written) still separates.
const NOTE_SEPARATORS = ['—', '–', '--', '-'].map((dash) => new RegExp(`[ \\t]+${dash}(?:[ \\t]+|$)`));

/** Splits a done item's text at the first occurrence of the strongest separator present. */
export function splitNote(rest: string): { text: string; note?: string } {
  for (const sep of NOTE_SEPARATORS) {
    const m = sep.exec(rest);
    if (m === null) continue;
    const note = rest.slice(m.index + m[0].length).trim();
    const text = rest.slice(0, m.index).trim();
    return note === '' ? { text } : { text, note };
  }
  return { text: rest };
}

/** A fence line: its character, run length, and whether it could close a fence. */
export interface FenceSyntax {
  char: '`' | '~';
  length: number;
  canClose: boolean;
}

/** Matches a ``` or ~~~ code fence line at any indentation (lists indent them), or undefined. */
export function matchFence(line: string): FenceSyntax | undefined {
  const m = /^[ \t]*(`{3,}|~{3,})([\s\S]*)$/.exec(line);
  const run = m?.[1];
  if (m === null || run === undefined) return undefined;
  const info = m[2] ?? '';
  const char = run[0] === '`' ? '`' : '~';
  // CommonMark: a backtick fence's info string may not contain backticks.
  if (char === '`' && info.includes('`')) return undefined;
  return { char, length: run.length, canClose: info.trim() === '' };
}

/** True when `line` closes a fence opened by `open`. */
export function closesFence(open: FenceSyntax, line: string): boolean {
  const f = matchFence(line);
  return f !== undefined && f.canClose && f.char === open.char && f.length >= open.length;
}

const NOTE_START = /^[ \t]*>[ \t]*\*\*Note from dispatcher:\*\*[ \t]*([\s\S]*)$/;
const NOTE_MARKER = /[ \t]*<!--[ \t]*dispatch-note:(\S+?)[ \t]*-->[ \t]*$/;

/** The text and hidden id of a `> **Note from dispatcher:**` line, or undefined. */
export function matchNoteStart(line: string): { text: string; id?: string } | undefined {
  const m = NOTE_START.exec(line);
  if (m === null) return undefined;
  const body = m[1] ?? '';
  const marker = NOTE_MARKER.exec(body);
  if (marker === null) return { text: body.trim() };
  return { text: body.slice(0, marker.index).trim(), id: marker[1] ?? '' };
}

/** True for a line that begins (after indentation) with a `>` quote marker. */
export function isQuoted(line: string): boolean {
  return /^[ \t]*>/.test(line);
}

/** True for an empty or whitespace-only line. */
export function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** A line's content without indentation, `>` quote markers or trailing whitespace. */
export function unquote(line: string): string {
  return line
    .replace(/^[ \t]*(?:>[ \t]?)*/, '')
    .replace(/^[ \t]+/, '')
    .trimEnd();
}
