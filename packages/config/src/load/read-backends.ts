import { KNOWN_BACKENDS, type BackendConfig, type BackendKind } from '../types.js';
import { checkName } from './names.js';
import { isScalar } from 'yaml';
import { isNull, type ConfigReader, type Field } from './reader.js';
import { quote } from './wording.js';

const COMMAND = 'the shell command that runs the worker CLI';
const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The keys a backend takes. */
export const BACKEND_KEYS = ['command', 'model_flag', 'env', 'executor'] as const;

/** `backends`, validated: each backend by name, and every name defined (valid or not, for references). */
export interface BackendsRead {
  backends: Record<string, BackendConfig>;
  names: Set<string>;
  /** False when `backends` is not a mapping: references to it cannot be checked. */
  complete: boolean;
}

/** A `command`: a non-empty shell string, trimmed (a folded `>` scalar ends in a newline). */
export function readCommand(reader: ConfigReader, field: Field | undefined, parent: Field): string | undefined {
  return reader.required(field, parent, 'command', COMMAND)?.trim();
}

// undefined: the kind's default; null: `none`; false: invalid (already reported).
function readModelFlag(reader: ConfigReader, field: Field | undefined): string | null | undefined | false {
  if (field === undefined || isNull(field.value)) return undefined;
  const expected = 'a flag like --model or -m, or none';
  const flag = reader.string(field, expected);
  if (flag === undefined) return false;
  if (flag === 'none') return null;
  if (FLAG.test(flag)) return flag;
  reader.error(field.path, `expected ${expected}, got ${quote(flag)}`, field.at);
  return false;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_EXPECTED = 'a list of environment variable names (e.g. [AWS_PROFILE, AWS_REGION]), or all';

// A backend's `env`: names its workers also get, or `all`; false when invalid (already reported).
function readEnv(reader: ConfigReader, field: Field | undefined): readonly string[] | 'all' | false {
  if (field === undefined || isNull(field.value)) return [];
  if (isScalar(field.value) && field.value.value === 'all') return 'all';
  const entries = reader.list(field, ENV_EXPECTED);
  if (!entries) return false;
  const names: string[] = [];
  let ok = true;
  for (const entry of entries) {
    const name = reader.string(entry, 'an environment variable name');
    if (name === undefined) ok = false;
    else if (!ENV_NAME.test(name)) {
      reader.error(
        entry.path,
        `expected an environment variable name (letters, digits, _), got ${quote(name)}`,
        entry.at,
      );
      ok = false;
    } else names.push(name);
  }
  return ok ? names : false;
}

// A backend's `executor`: a name in `executors`, or `local`; undefined when left out; false when invalid (already reported).
function readExecutor(
  reader: ConfigReader,
  field: Field | undefined,
  entry: Field,
  executors: Set<string> | undefined,
): string | undefined | false {
  if (field === undefined || isNull(field.value)) return undefined;
  const name = reader.string(field, 'the name of an executor in executors, or local');
  if (name === undefined) return false;
  if (!executors || executors.has(name)) return name;
  reader.error(
    entry.path,
    `executor ${quote(name)} is not defined in executors${reader.suggest(name, executors)}`,
    field.at,
    field.path,
  );
  return false;
}

function kindOf(name: string): BackendKind {
  return (KNOWN_BACKENDS as readonly string[]).includes(name) ? (name as BackendKind) : 'command';
}

/**
 * Reads `backends.<name>.{command, model_flag, env, executor}`; the executor must be a name in
 * `executors` or `local` (`executors` undefined: they could not be read, so it is not checked). A
 * backend's kind is its key when that is a known CLI (claude, codex, cursor, gemini, opencode), else
 * a generic `command`.
 */
export function readBackends(
  reader: ConfigReader,
  section: Field | undefined,
  executors: Set<string> | undefined,
): BackendsRead {
  const result: BackendsRead = { backends: {}, names: new Set(), complete: true };
  const map = reader.section(section, 'a mapping of backends (e.g. claude: { command: "claude -p" })');
  if (!map || !section) return { ...result, complete: isNull(section?.value) };
  for (const entry of reader.fields(map, section.path).values()) {
    result.names.add(entry.name);
    const named = checkName(reader, entry, 'backend name');
    const spec = reader.mapping(entry, `{ command: <${COMMAND}> }`);
    if (!spec) continue;
    const keys = reader.fields(spec, entry.path, BACKEND_KEYS);
    const command = readCommand(reader, keys.get('command'), entry);
    const modelFlag = readModelFlag(reader, keys.get('model_flag'));
    const env = readEnv(reader, keys.get('env'));
    const executor = readExecutor(reader, keys.get('executor'), entry, executors);
    if (!named || command === undefined || modelFlag === false || env === false || executor === false) continue;
    result.backends[entry.name] = {
      name: entry.name,
      kind: kindOf(entry.name),
      command,
      modelFlag,
      env,
      executor,
    };
  }
  return result;
}
