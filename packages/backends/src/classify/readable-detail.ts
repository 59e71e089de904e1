import { shortLine } from './output-lines.js';

// Gemini prefixes its API errors with where it saved a report: noise in a one-line message.
const REPORT_PREFIX = /^.*Full report available at: \S+\s*/;
// An API error body printed inline: its "message" says it best.
const JSON_MESSAGE = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/;
// The same printed as a JavaScript object (gemini's `cause: { message: '…' }`).
const JS_MESSAGE = /^message:\s*'(.*)',?$/;
// A line that only repeats a status ("status: 403", "code: 404") says less than the lines above it.
const BARE_STATUS = /^(?:status|code)\s*:\s*\d+$/i;

/** The readable part of an error line: the API's message when one is embedded, one short line. */
export function readableDetail(line: string, max = 140): string {
  const text = line.replace(REPORT_PREFIX, '');
  const embedded = JSON_MESSAGE.exec(text)?.[1] ?? JS_MESSAGE.exec(text)?.[1];
  return shortLine(embedded ? embedded.replace(/\\(.)/g, '$1') : text, max);
}

/** Whether a line only repeats a status code. */
export function isBareStatus(line: string): boolean {
  return BARE_STATUS.test(line);
}
