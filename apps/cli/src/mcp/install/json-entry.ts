import { isDeepStrictEqual } from 'node:util';
import {
  applyEdits,
  type FormattingOptions,
  findNodeAtLocation,
  getNodeValue,
  modify,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { insertProperty } from './json-insert.js';
import { lineAt, malformedConfig } from './malformed-config.js';
import { type PlannedEdit, SERVER_NAME } from './server-entry.js';

/** dispatch's entry in a JSON `mcpServers` object, as one host wants it. */
export interface JsonServerEntry {
  /** The keys dispatch owns, with their values; the entry's other keys (env, timeout, ...) stay. */
  owned: Record<string, unknown>;
  /** Keys that would make the entry another kind of server (a URL): removed on update. */
  conflicting: readonly string[];
  /** Whether the host reads comments in this file (JSONC) or only strict JSON. */
  comments: boolean;
}

const PATH = ['mcpServers', SERVER_NAME];

/**
 * Sets `mcpServers.dispatch` in a JSON (or JSONC) file's text by text edits — a new entry
 * inserted after the last server, a stale one replaced as one value — so every byte outside the
 * entry (keys, order, comments, indentation) stays as it was.
 * `text` null is a file that does not exist yet. Throws exit 2 with file:line on a file that
 * does not parse.
 */
export function setJsonServerEntry(text: string | null, file: string, entry: JsonServerEntry): PlannedEdit {
  if (text === null || text.trim() === '') {
    return { action: 'added', text: `${JSON.stringify({ mcpServers: { [SERVER_NAME]: entry.owned } }, null, 2)}\n` };
  }
  const root = parseStrictly(text, file, entry.comments);
  const servers = findNodeAtLocation(root, ['mcpServers']);
  if (servers !== undefined && servers.type !== 'object') {
    throw malformedConfig(file, lineAt(text, servers.offset), '"mcpServers" is not an object');
  }
  const formatting = formattingOf(text);
  const current = findNodeAtLocation(root, PATH);
  if (current === undefined) {
    const added =
      servers === undefined
        ? insertProperty(text, root, 'mcpServers', { [SERVER_NAME]: entry.owned }, formatting)
        : insertProperty(text, servers, SERVER_NAME, entry.owned, formatting);
    return { action: 'added', text: added };
  }
  const value = current.type === 'object' ? (getNodeValue(current) as Record<string, unknown>) : {};
  const stale = Object.keys(entry.owned).some((key) => !isDeepStrictEqual(value[key], entry.owned[key]));
  const extra = entry.conflicting.some((key) => key in value);
  if (current.type === 'object' && !stale && !extra) return { action: 'unchanged', text };
  // The entry is replaced as one value (a replacement is formatted within its own range: nothing
  // outside the entry moves), keeping its other keys (env, timeout, ...) in their order.
  const merged = mergeEntry(value, entry);
  return { action: 'updated', text: applyEdits(text, modify(text, PATH, merged, { formattingOptions: formatting })) };
}

/** The entry's keys in their order, owned ones set, conflicting ones dropped; missing owned ones after. */
function mergeEntry(value: Record<string, unknown>, entry: JsonServerEntry): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [key, keyValue] of Object.entries(value)) {
    if (entry.conflicting.includes(key)) continue;
    merged[key] = key in entry.owned ? entry.owned[key] : keyValue;
  }
  return { ...merged, ...Object.fromEntries(Object.entries(entry.owned).filter(([key]) => !(key in merged))) };
}

function parseStrictly(text: string, file: string, comments: boolean): Node {
  const errors: ParseError[] = [];
  // The hosts' own readers refuse trailing commas (JSON.parse after stripping comments).
  const root = parseTree(text, errors, { disallowComments: !comments, allowTrailingComma: false });
  const first = errors[0];
  if (first !== undefined) {
    const what = printParseErrorCode(first.error);
    throw malformedConfig(
      file,
      lineAt(text, first.offset),
      `not valid ${comments ? 'JSON with comments' : 'JSON'} (${what})`,
    );
  }
  if (root === undefined || root.type !== 'object')
    throw malformedConfig(file, 1, 'the top level is not a JSON object');
  return root;
}

/** The file's own indentation and line ending, for the lines an edit inserts. */
function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}
