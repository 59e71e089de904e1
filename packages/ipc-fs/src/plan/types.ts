/** What a checklist item's box says: `[ ]` pending, `[x]` done, `[?]` blocked, `[!]` error. */
export type PlanMark = 'pending' | 'done' | 'blocked' | 'error';

/** The ending a line had in the file; '' only for a last line with no newline (a cut file). */
export type LineEnding = '' | '\n' | '\r\n' | '\r';

/**
 * What a line is: a checklist `item`, the `detail` lines under a blocked/error item, a dispatcher
 * `note` (with its `>` continuation lines), a code `fence` line or `code` inside one, or other `text`.
 */
export type PlanLineKind = 'item' | 'detail' | 'note' | 'fence' | 'code' | 'text';

/** One line of plan.md, kept verbatim: `text + eol` is exactly the bytes read. */
export interface PlanLine {
  /** The line without its ending. */
  readonly text: string;
  readonly eol: LineEnding;
  readonly kind: PlanLineKind;
  /** For `item` and `detail` lines, the index of the item they belong to. */
  readonly item?: number;
}

/** One checklist item, as the worker last left it. */
export interface PlanItem {
  /** Item number from 0, in file order. */
  readonly index: number;
  /** 0-based line number in `Plan.lines`. */
  readonly line: number;
  /** The item's text; for done items, without the note. */
  readonly text: string;
  readonly mark: PlanMark;
  /** The character inside the brackets as written (' ', 'x', 'X', '?', '!', '-', '~', '/', '\t'). */
  readonly box: string;
  /** A done item's note, written after ` — ` (or ` – `, ` -- `, ` - `). */
  readonly note?: string;
  /** A blocked/error item's question or description, from the indented or `>`-quoted lines below it. */
  readonly detail?: string;
  /** Columns of indentation before the bullet (tabs advance to the next multiple of 4). */
  readonly indent: number;
}

/** A parsed plan.md: every line verbatim, plus the items and dispatcher notes found in them. */
export interface Plan {
  readonly lines: readonly PlanLine[];
  readonly items: readonly PlanItem[];
  /** Dispatcher notes' texts (multi-line notes joined with '\n'), hidden markers removed. */
  readonly notes: readonly string[];
  /** The file's dominant line ending, for lines added to it. */
  readonly eol: '\n' | '\r\n';
}

/** Item counts by mark. */
export interface PlanSummary {
  readonly total: number;
  readonly done: number;
  readonly pending: number;
  readonly blocked: number;
  readonly error: number;
}
