import {
  closesFence,
  columns,
  isBlank,
  isQuoted,
  matchFence,
  matchItem,
  matchNoteStart,
  splitLines,
  splitNote,
  unquote,
  type FenceSyntax,
  type RawLine,
} from './syntax.js';
import type { Plan, PlanItem, PlanLine, PlanLineKind } from './types.js';

/** Marks which lines sit inside a closed code fence (a fence never closed hides nothing). */
function findCode(raw: readonly RawLine[]): ('fence' | 'code' | undefined)[] {
  const kinds: ('fence' | 'code' | undefined)[] = raw.map(() => undefined);
  // Once a search for a closer failed from line i, later openers of that char and at least that
  // length fail too; remembering it keeps many unclosed fences linear.
  const noCloser: Partial<Record<'`' | '~', { from: number; length: number }>> = {};
  for (let i = 0; i < raw.length; i++) {
    const open: FenceSyntax | undefined = matchFence(raw[i]?.text ?? '');
    if (open === undefined) continue;
    const known = noCloser[open.char];
    if (known !== undefined && known.from <= i && open.length >= known.length) continue;
    let close = i + 1;
    while (close < raw.length && !closesFence(open, raw[close]?.text ?? '')) close++;
    if (close >= raw.length) {
      noCloser[open.char] = { from: i, length: open.length };
      continue;
    }
    kinds[i] = 'fence';
    kinds[close] = 'fence';
    for (let j = i + 1; j < close; j++) kinds[j] = 'code';
    i = close;
  }
  return kinds;
}

/** Joins detail lines, dropping empty lines at either end. */
function joinDetail(parts: string[]): string | undefined {
  const text = parts.join('\n').replace(/^\n+|\n+$/g, '');
  return text === '' ? undefined : text;
}

/**
 * Parses plan.md. Total: any string parses, and `serializePlan(parsePlan(t)) === t`.
 * Items are GitHub task-list lines: `-`, `*`, `+` or ordered (`1.`, `1)`) bullets at any
 * indentation; `[-]`, `[~]` and `[/]` count as pending, so a worker's own "in progress" or
 * "skipped" mark never makes a plan look finished. Lines inside a closed ``` or ~~~ fence are
 * code, not items or notes; a fence never closed hides nothing (a cut file must not hide items).
 * LF, CRLF and lone CR all end lines, as in CommonMark.
 * @example
 * const plan = parsePlan('# Review\n- [x] Scan — found 2\n- [ ] Write output.md\n');
 * plan.items[0]; // { index: 0, line: 1, text: 'Scan', note: 'found 2', mark: 'done', box: 'x', indent: 0 }
 */
export function parsePlan(text: string): Plan {
  const raw = splitLines(text);
  const code = findCode(raw);
  const lines: PlanLine[] = [];
  const items: PlanItem[] = [];
  const notes: string[] = [];
  let note: string[] | undefined;
  let detail: { item: PlanItem; parts: string[] } | undefined;

  const closeDetail = (): void => {
    if (detail === undefined) return;
    const value = joinDetail(detail.parts);
    if (value !== undefined) items[detail.item.index] = { ...detail.item, detail: value };
    detail = undefined;
  };
  const closeNote = (): void => {
    if (note !== undefined) notes.push(note.join('\n'));
    note = undefined;
  };
  const push = (line: RawLine, kind: PlanLineKind, item?: number): void => {
    lines.push(item === undefined ? { ...line, kind } : { ...line, kind, item });
  };

  raw.forEach((line, i) => {
    const fenced = code[i];
    if (fenced !== undefined) {
      closeDetail();
      closeNote();
      return push(line, fenced);
    }
    const start = matchNoteStart(line.text);
    if (start !== undefined) {
      closeDetail();
      closeNote();
      note = [start.text];
      return push(line, 'note');
    }
    if (note !== undefined && isQuoted(line.text)) {
      note.push(unquote(line.text));
      return push(line, 'note');
    }
    closeNote();
    const syntax = matchItem(line.text);
    if (syntax !== undefined) {
      closeDetail();
      const { text: itemText, note: itemNote } =
        syntax.mark === 'done' ? splitNote(syntax.rest) : { text: syntax.rest, note: undefined };
      const item: PlanItem = {
        index: items.length,
        line: i,
        text: itemText,
        mark: syntax.mark,
        box: syntax.box,
        indent: syntax.indent,
        ...(itemNote === undefined ? {} : { note: itemNote }),
      };
      items.push(item);
      if (item.mark === 'blocked' || item.mark === 'error') detail = { item, parts: [] };
      return push(line, 'item', item.index);
    }
    if (detail !== undefined && isDetail(line.text, detail.item.indent)) {
      detail.parts.push(unquote(line.text));
      return push(line, 'detail', detail.item.index);
    }
    closeDetail();
    push(line, 'text');
  });
  closeDetail();
  closeNote();
  return { lines, items, notes, eol: dominantEol(raw) };
}

/** A line continuing a blocked/error item: not blank, and quoted or indented past the bullet. */
function isDetail(line: string, itemIndent: number): boolean {
  return !isBlank(line) && (isQuoted(line) || columns(line) > itemIndent);
}

/** CRLF when most line endings are CRLF, else LF (also for a file with no line ending). */
function dominantEol(raw: readonly RawLine[]): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (const { eol } of raw) {
    if (eol === '\r\n') crlf++;
    else if (eol === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}
