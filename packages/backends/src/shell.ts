/**
 * Quotes `value` as one sh word: single quotes, with embedded single quotes closed, escaped and
 * reopened. Everything inside stays data: no expansion, no word splitting.
 * @example shellQuote("it's") // 'it'\''s'
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
