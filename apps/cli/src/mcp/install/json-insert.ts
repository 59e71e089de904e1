import type { FormattingOptions, Node } from 'jsonc-parser';

/**
 * Adds `key: value` as the last property of the object `object` in `text`, touching nothing
 * else: the new lines take the indentation of the object's properties, and a comment that ends
 * the last property's line stays on that line. (jsonc-parser's `modify` reformats the whole line
 * it inserts after, which would rewrite a user's one-line object.)
 */
export function insertProperty(
  text: string,
  object: Node,
  key: string,
  value: unknown,
  formatting: FormattingOptions,
): string {
  const { eol = '\n' } = formatting;
  const unit = formatting.insertSpaces === false ? '\t' : ' '.repeat(formatting.tabSize ?? 2);
  const closing = object.offset + object.length - 1;
  const objectIndent = indentOfLine(text, object.offset);
  const last = object.children?.at(-1);
  const indent = last === undefined ? objectIndent + unit : indentOfLine(text, last.offset);
  const body = JSON.stringify(value, null, unit)
    .split('\n')
    .join(eol + indent);
  const property = `${JSON.stringify(key)}: ${body}`;
  if (last === undefined) {
    const inside = text.slice(object.offset + 1, closing);
    const at = inside.trim() === '' ? object.offset + 1 : closing;
    return `${text.slice(0, at)}${eol}${indent}${property}${eol}${objectIndent}${text.slice(closing)}`;
  }
  const end = last.offset + last.length;
  const after = endOfTrailingComment(text, end);
  return `${text.slice(0, end)},${text.slice(end, after)}${eol}${indent}${property}${text.slice(after)}`;
}

/** The whitespace that starts the line holding `offset`. */
function indentOfLine(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** Past a comment that ends the line after `offset` (and nothing else), else `offset` itself. */
function endOfTrailingComment(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline < 0 ? text.length : newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
  const rest = text.slice(offset, lineEnd).trim();
  const onlyComment = rest.startsWith('//') || (rest.startsWith('/*') && rest.indexOf('*/') === rest.length - 2);
  return onlyComment ? lineEnd : offset;
}
