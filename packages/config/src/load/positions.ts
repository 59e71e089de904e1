import type { Document, LineCounter } from 'yaml';
import type { SourcePosition } from '../types.js';

const lineCounters = new WeakMap<Document, LineCounter>();

/** Remembers how a parsed document's offsets map to lines, so later checks can name positions. */
export function rememberLines(doc: Document, lineCounter: LineCounter): void {
  lineCounters.set(doc, lineCounter);
}

/** The 1-based line and column of an offset. */
export function positionAt(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(1, line), col: Math.max(1, col) };
}

/** Where a node of a document parsed by `parseConfigDocument` starts; undefined for nodes added later. */
export function positionOf(doc: Document, node: unknown): SourcePosition | undefined {
  const lineCounter = lineCounters.get(doc);
  const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  const start = range?.[0];
  if (lineCounter === undefined || start === undefined) return undefined;
  return positionAt(lineCounter, start);
}
