import type { ConfigIssue } from '@dispatch/config';
import type { Io } from '../io.js';

/** Config warnings go to stderr, one line each, with the line they point at. */
export function printWarnings(io: Io, file: string, warnings: readonly ConfigIssue[]): void {
  for (const w of warnings) {
    const where = w.position ? `${file}:${w.position.line}:${w.position.col}: ` : `${file}: `;
    io.err(`warning: ${where}${w.message}\n`);
  }
}
