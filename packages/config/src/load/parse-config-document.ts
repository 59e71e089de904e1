import { isScalar, LineCounter, parseDocument, visit, type Alias, type Document, type YAMLError } from 'yaml';
import type { ConfigIssue } from '../types.js';
import { positionAt, positionOf, rememberLines } from './positions.js';
import { byPosition } from './reader.js';
import { oneLine, quote } from './wording.js';

/** Alias nodes a config may hold, and yaml's limit on how far they expand (a billion-laughs file fails fast). */
export const MAX_YAML_ALIASES = 100;

/** A parsed config.yaml: the document (kept for comment-preserving edits) and what is wrong with its YAML. */
export interface ParsedConfigDocument {
  doc: Document.Parsed;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

const MESSAGES: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'tabs are not allowed in indentation: indent with spaces',
  MULTIPLE_DOCS: 'the config holds more than one YAML document: remove the extra `---` line',
};

// yaml reports an unclosed quote where the text ends; point at the quote that opens it instead.
function unclosedQuoteStart(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range?.[1] === end) start = node.range[0];
    },
  });
  return start;
}

function fromYaml(error: YAMLError, doc: Document.Parsed, lineCounter: LineCounter): ConfigIssue {
  const detail = oneLine(error.message);
  let message = MESSAGES[error.code] ?? `invalid YAML: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
  let offset = error.pos[0];
  if (error.code === 'MISSING_CHAR' && detail.includes('quote')) {
    const start = unclosedQuoteStart(doc, offset);
    if (start !== undefined) [offset, message] = [start, `${message} (the string that starts here never ends)`];
  }
  return offset >= 0 ? { message, position: positionAt(lineCounter, offset) } : { message };
}

// yaml's own `uniqueKeys` check compares every key with every other: 100k keys (well under 1 MiB)
// took 77 s. This one is linear.
function duplicateKeys(doc: Document.Parsed): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // Symbols are YAML 1.1 merge keys (`<<`), which may repeat.
        if (!isScalar(key) || typeof key.value === 'symbol') continue;
        if (!seen.has(key.value)) seen.add(key.value);
        else {
          const name = key.source ?? String(key.value);
          const position = positionOf(doc, key);
          const message = `duplicate key ${quote(name)}: a key may appear only once in a mapping`;
          issues.push(position ? { message, position } : { message });
        }
      }
    },
  });
  return issues;
}

// yaml resolves each alias by scanning every anchor and alias before it, so many aliases are slow
// (30k took 18 s) even when none expands far: a config needs only a few.
function aliasProblem(doc: Document.Parsed): ConfigIssue | undefined {
  const aliases: Alias[] = [];
  visit(doc, {
    Alias(_, node) {
      aliases.push(node);
      if (aliases.length > MAX_YAML_ALIASES) return visit.BREAK;
      return undefined;
    },
  });
  const at = (node: Alias | undefined) => positionOf(doc, node);
  if (aliases.length > MAX_YAML_ALIASES) {
    return {
      message: `too many YAML aliases (over ${MAX_YAML_ALIASES}): a config needs only a few`,
      position: at(aliases[MAX_YAML_ALIASES]),
    };
  }
  if (aliases.length === 0) return undefined;
  try {
    doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    return undefined;
  } catch (err) {
    const missing = /^Unresolved alias.*: (.*)$/.exec((err as Error).message)?.[1];
    if (missing === undefined) {
      const message = `YAML aliases expand too far (past ${MAX_YAML_ALIASES} nodes): refused as a resource-exhaustion attack`;
      return { message, position: at(aliases[0]) };
    }
    const message = `invalid YAML: alias *${missing} has no anchor &${missing} before it`;
    return { message, position: at(aliases.find((alias) => alias.source === missing) ?? aliases[0]) };
  }
}

function isBlank(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return (
    contents === null || (isScalar(contents) && contents.value === null && contents.range[0] === contents.range[1])
  );
}

/**
 * Parses config text into a yaml Document, turning every YAML problem into an error with its line
 * and column: syntax errors, tabs in indentation, duplicate keys, aliases past a small limit, YAML
 * warnings (such as an unknown `!tag`), an empty file. Never throws. `file` is the config's path;
 * issues carry only positions, the caller adds the file when it reports them.
 * @example
 * const { doc, errors } = parseConfigDocument('default: opus\n', 'config.yaml');
 * // errors: []   — doc.get('default') === 'opus'
 */
export function parseConfigDocument(text: string, _file: string): ParsedConfigDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  rememberLines(doc, lineCounter);
  if (text.trim() === '')
    return { doc, errors: [{ message: 'config is empty', position: { line: 1, col: 1 } }], warnings: [] };
  const errors = [...doc.errors, ...doc.warnings].map((error) => fromYaml(error, doc, lineCounter));
  errors.push(...duplicateKeys(doc));
  if (errors.length === 0) {
    if (isBlank(doc))
      errors.push({ message: 'config is empty: it holds only comments', position: { line: 1, col: 1 } });
    const aliases = aliasProblem(doc);
    if (aliases) errors.push(aliases);
  }
  return { doc, errors: errors.sort(byPosition), warnings: [] };
}
