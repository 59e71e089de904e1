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
