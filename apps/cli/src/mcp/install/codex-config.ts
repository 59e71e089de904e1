import { isDeepStrictEqual } from 'node:util';
import { DispatchError } from '@dispatch/runtime';
import { type PlannedEdit, SERVER_NAME, type ServerCommand } from './server-entry.js';
import { isCompleteToml, parseTomlFile, tomlString, tomlStringArray } from './toml-text.js';

/** Keys of the entry dispatch writes; `url` would make it a streamable HTTP server instead. */
const OWNED_KEYS = ['command', 'args'];
const CONFLICTING_KEYS = ['url', 'bearer_token_env_var'];

const HEADER = new RegExp(
  String.raw`^\s*\[\s*mcp_servers\s*\.\s*(?:${SERVER_NAME}|"${SERVER_NAME}"|'${SERVER_NAME}')\s*\]\s*(?:#.*)?$`,
);
const ANY_HEADER = /^\s*\[/;
const KEY_LINE = /^\s*(?:([A-Za-z0-9_-]+)|"([^"\\]*)"|'([^']*)')\s*=/;

/**
 * Registers dispatch in a Codex `config.toml` (`$CODEX_HOME/config.toml`, or a trusted project's
 * `.codex/config.toml`) as `[mcp_servers.dispatch]` with `command` and `args`. The file is edited
 * as text — the table appended, or only its `command`/`args` (and `url`) lines replaced — so the
 * user's other settings and comments stay byte for byte; the result is parsed again and compared
 * with the original before anything is written.
 */
export function editCodexConfig(text: string | null, file: string, server: ServerCommand): PlannedEdit {
  const original = text ?? '';
  const before = parseTomlFile(original, file);
  const current = serversOf(before)[SERVER_NAME];
  if (isOurs(current, server)) return { action: 'unchanged', text: original };
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const statements = [`command = ${tomlString(server.command)}`, `args = ${tomlStringArray(server.args)}`];
  const next =
    current === undefined ? appendTable(original, statements, eol) : replaceInTable(original, statements, file, eol);
  assertOnlyEntryChanged(before, next, file, server);
  return { action: current === undefined ? 'added' : 'updated', text: next };
}

function serversOf(data: Record<string, unknown>): Record<string, unknown> {
  const servers = data.mcp_servers;
  return typeof servers === 'object' && servers !== null ? (servers as Record<string, unknown>) : {};
}

function isOurs(entry: unknown, server: ServerCommand): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const value = entry as Record<string, unknown>;
  return (
    value.command === server.command &&
    isDeepStrictEqual(value.args, [...server.args]) &&
    CONFLICTING_KEYS.every((key) => !(key in value))
  );
}

function appendTable(text: string, statements: readonly string[], eol: string): string {
  const table = [`[mcp_servers.${SERVER_NAME}]`, ...statements].join(eol) + eol;
  if (text === '') return table;
  const ended = text.endsWith('\n') ? text : text + eol;
  return `${ended}${eol}${table}`;
}

/** Replaces the owned (and conflicting) key lines of the existing table, keeping its other lines. */
function replaceInTable(text: string, statements: readonly string[], file: string, eol: string): string {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => HEADER.test(line));
  if (header < 0)
    throw cannotEdit(file, `its mcp_servers.${SERVER_NAME} is not written as a [mcp_servers.${SERVER_NAME}] table`);
  let end = header + 1;
  while (end < lines.length && !ANY_HEADER.test(lines[end] ?? '')) end++;
  const kept: string[] = [];
  let insertAt = -1;
  for (let i = header + 1; i < end; i++) {
    const key = keyOf(lines[i] ?? '');
    if (key === undefined || (!OWNED_KEYS.includes(key) && !CONFLICTING_KEYS.includes(key))) {
      kept.push(lines[i] ?? '');
      continue;
    }
    if (insertAt < 0 && OWNED_KEYS.includes(key)) insertAt = kept.length;
    i = statementEnd(lines, i, end);
  }
  // Each inserted statement is a line of its own, ending like the file's lines.
  const inserted = statements.map((s) => (eol === '\r\n' ? `${s}\r` : s));
  kept.splice(insertAt < 0 ? 0 : insertAt, 0, ...inserted);
  return [...lines.slice(0, header + 1), ...kept, ...lines.slice(end)].join('\n');
}

function keyOf(line: string): string | undefined {
  const match = KEY_LINE.exec(line);
  return match === null ? undefined : (match[1] ?? match[2] ?? match[3]);
}

/** The last line of the statement starting at `start`: a multi-line array or string reaches further. */
function statementEnd(lines: readonly string[], start: number, end: number): number {
  for (let last = start; last < end; last++) {
    const statement = lines.slice(start, last + 1).map((line) => line.replace(/\r$/, ''));
    if (isCompleteToml(statement.join('\n'))) return last;
  }
  return start;
}

/** The edit must change dispatch's entry alone: every other setting parses to what it was. */
function assertOnlyEntryChanged(
  before: Record<string, unknown>,
  nextText: string,
  file: string,
  server: ServerCommand,
): void {
  let after: Record<string, unknown>;
  try {
    after = parseTomlFile(nextText, file);
  } catch {
    throw cannotEdit(file, 'the edited file would not parse');
  }
  const entryAfter = serversOf(after)[SERVER_NAME];
  const beforeEntry = serversOf(before)[SERVER_NAME];
  const othersKept =
    isDeepStrictEqual(withoutEntry(before), withoutEntry(after)) &&
    isDeepStrictEqual(restOfEntry(beforeEntry), restOfEntry(entryAfter));
  if (!isOurs(entryAfter, server) || !othersKept) throw cannotEdit(file, 'an edit would change other settings');
}

function withoutEntry(data: Record<string, unknown>): Record<string, unknown> {
  const servers = { ...serversOf(data) };
  delete servers[SERVER_NAME];
  const rest = { ...data };
  delete rest.mcp_servers;
  return Object.keys(servers).length === 0 ? rest : { ...rest, mcp_servers: servers };
}

function restOfEntry(entry: unknown): Record<string, unknown> {
  if (typeof entry !== 'object' || entry === null) return {};
  const rest = { ...(entry as Record<string, unknown>) };
  for (const key of [...OWNED_KEYS, ...CONFLICTING_KEYS]) delete rest[key];
  return rest;
}

function cannotEdit(file: string, why: string): DispatchError {
  return new DispatchError(
    'failure',
    `${file}: cannot add dispatch safely (${why}); nothing was written. Add it by hand: [mcp_servers.${SERVER_NAME}] with command and args`,
    { reason: 'host-config-not-editable', file },
  );
}
