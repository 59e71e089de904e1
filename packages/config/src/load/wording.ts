import { nearestName } from '../near-name.js';

/** Flattens text to one line: the CLI prints every error as a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A name from the config, safe in a one-line message: control characters and line separators escaped. */
export function plain(name: string): string {
  return name.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A name from the config, quoted for a message: escaped like `plain`, long names cut short. */
export function quote(name: string): string {
  return `'${plain(name.length > 60 ? `${name.slice(0, 57)}...` : name)}'`;
}

/** ` (did you mean X?)` when a candidate is near `word`, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearestName(word, candidates);
  return near === undefined ? '' : ` (did you mean ${near}?)`;
}
