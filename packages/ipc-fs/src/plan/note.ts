import { IpcError } from '../errors.js';
import { isBlank, matchNoteStart, splitLines } from './syntax.js';
import { parsePlan } from './parse.js';

/** The opening of every dispatcher note line. */
export const NOTE_PREFIX = '> **Note from dispatcher:**';

// Ids go inside an HTML comment, so they may not hold `--` (or `>`, or whitespace).
const NOTE_ID = /^(?!.*--)[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Refuses a note id that could not sit in the hidden `<!-- dispatch-note:<id> -->` marker. */
export function assertNoteId(noteId: string): void {
  if (!NOTE_ID.test(noteId)) {
    throw new IpcError(
      'malformed-request',
      `note id ${JSON.stringify(noteId)} is not valid: use 1-128 letters, digits, '.', '_', ':' or '-' (no '--')`,
    );
  }
}

/**
 * The lines of a dispatcher note (without endings): the first carries the prefix and a hidden
 * marker, which markdown renders invisibly; further lines of the text continue the quote.
 * @example formatNote('req-7', 'focus on JWT')
 * // ['> **Note from dispatcher:** focus on JWT <!-- dispatch-note:req-7 -->']
 */
export function formatNote(noteId: string, text: string): string[] {
  assertNoteId(noteId);
  const body = splitLines(text.trim()).map((line) => line.text.trimEnd());
  const first = body[0];
  if (first === undefined || first === '') {
    throw new IpcError('malformed-request', 'a dispatcher note needs text');
  }
  return [
    `${NOTE_PREFIX} ${first} <!-- dispatch-note:${noteId} -->`,
    ...body.slice(1).map((line) => (line === '' ? '>' : `> ${line}`)),
  ];
}

/** How many notes in `text` carry the marker of `noteId` (fenced code does not count). */
export function countNote(text: string, noteId: string): number {
  let count = 0;
  for (const line of parsePlan(text).lines) {
    if (line.kind === 'note' && matchNoteStart(line.text)?.id === noteId) count++;
  }
  return count;
}

/**
 * `text` with the note appended: the last line finished, a blank line, then the note, all in
 * the file's own line ending.
 * @example withNote('# Plan\n- [ ] a\n', 'n1', 'hi')
 * // '# Plan\n- [ ] a\n\n> **Note from dispatcher:** hi <!-- dispatch-note:n1 -->\n'
 */
export function withNote(text: string, noteId: string, note: string): string {
  const lines = formatNote(noteId, note);
  const { eol } = parsePlan(text);
  let out = text;
  if (out !== '' && !/[\r\n]$/.test(out)) out += eol;
  const last = splitLines(out).at(-1);
  if (last !== undefined && !isBlank(last.text)) out += eol;
  return out + lines.map((line) => line + eol).join('');
}

/** The ids of the dispatcher notes in `text`. */
export function noteIdsIn(text: string): Set<string> {
  const ids = new Set<string>();
  for (const line of parsePlan(text).lines) {
    const id = line.kind === 'note' ? matchNoteStart(line.text)?.id : undefined;
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** The line ending notes are written with: CRLF when most line endings are CRLF, else LF (as `parsePlan`'s `eol`). */
function noteEol(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * `text` with several notes appended, exactly as `withNote` one after another would write them,
 * without parsing the plan once per note (a burst of notes into a long plan stays cheap).
 * @example withNotes('# T\n', [{ id: 'a', text: 'one' }, { id: 'b', text: 'two' }])
 */
export function withNotes(text: string, notes: readonly { id: string; text: string }[]): string {
  const blocks = notes.map((n) => formatNote(n.id, n.text));
  if (blocks.length === 0) return text;
  const eol = noteEol(text);
  let out = text;
  if (out !== '' && !/[\r\n]$/.test(out)) out += eol;
  const last = splitLines(out.slice(out.lastIndexOf('\n', out.length - 2) + 1)).at(-1);
  if (last !== undefined && !isBlank(last.text)) out += eol;
  return out + blocks.map((lines) => lines.map((line) => line + eol).join('')).join(eol);
}

/** True when `text` may hold the marker of `noteId` (a cheap test before parsing to be sure). */
export function mayHoldNote(text: string, noteId: string): boolean {
  return text.includes(`dispatch-note:${noteId}`);
}
