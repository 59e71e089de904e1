import stringWidth from 'string-width';

/** Columns `text` takes on a terminal: CJK and most emoji take two, combining marks none. */
export const widthOf = (text: string): number => stringWidth(text);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text cut to `max` terminal columns with an ellipsis, whitespace runs flattened, so a cell never
 * wraps (a wide character that would straddle the edge is left out whole).
 * @example clip('Should the store move to Redis?', 12) // 'Should the …'
 */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (max <= 0) return '';
  return widthOf(flat) <= max ? flat : `${headOf(flat, max - 1).trimEnd()}…`;
}

/** The longest start of `text` (whole characters) that takes at most `max` terminal columns. */
export function headOf(text: string, max: number): string {
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = widthOf(segment);
    if (used + w > max) break;
    kept += segment;
    used += w;
  }
  return kept;
}

/** `text` padded with spaces to `width` terminal columns. */
export const padTo = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - widthOf(text)));
