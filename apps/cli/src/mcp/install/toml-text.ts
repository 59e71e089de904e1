import { parse, TomlError } from 'smol-toml';
import { malformedConfig } from './malformed-config.js';

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** `value` as a TOML basic string: quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `values` as a one-line TOML array of basic strings. */
export function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

/** A TOML document's data; a file that does not parse is refused (exit 2) naming its line. */
export function parseTomlFile(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const what = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid';
    throw malformedConfig(file, err.line, `not valid TOML (${what})`);
  }
}

/** Whether `text` alone is a complete TOML document (how far a multi-line value reaches). */
export function isCompleteToml(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}
