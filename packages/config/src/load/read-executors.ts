import { isScalar } from 'yaml';
import { localExecutor } from '../defaults.js';
import { EXECUTOR_KINDS, type ExecutorConfig, type ExecutorKind, LOCAL_EXECUTOR } from '../types.js';
import { checkName } from './names.js';
import { describe, isNull, type ConfigReader, type Field } from './reader.js';
import { sbatchRefusal } from './sbatch-arguments.js';
import { quote } from './wording.js';

/** The keys an executor takes. */
export const EXECUTOR_KEYS = ['kind', 'sbatch', 'scan_interval'] as const;

// Below a tenth of a second the daemon would do little but scan; past an hour a finished job would go unnoticed too long.
const MIN_SCAN_INTERVAL = 0.1;
const MAX_SCAN_INTERVAL = 3600;

const KINDS = EXECUTOR_KINDS.join(' or ');
const SBATCH = 'a list of sbatch arguments, one word each (e.g. [--partition=gpu, --time=4:00:00])';

/** `executors`, validated: each executor by name (`local` always among them), and every name defined. */
export interface ExecutorsRead {
  executors: Record<string, ExecutorConfig>;
  /** Every name defined (valid or not, for references), and `local`. */
  names: Set<string>;
  /** False when `executors` is not a mapping: references to it cannot be checked. */
  complete: boolean;
}

function readKind(reader: ConfigReader, field: Field | undefined, entry: Field): ExecutorKind | undefined {
  const kind = reader.required(field, entry, 'kind', KINDS);
  if (kind === undefined || !field) return undefined;
  if (!(EXECUTOR_KINDS as readonly string[]).includes(kind)) {
    const near = reader.suggest(kind, EXECUTOR_KINDS);
    reader.error(field.path, `${quote(kind)} is not an executor kind: ${KINDS}${near}`, field.at);
    return undefined;
  }
  if (entry.name === LOCAL_EXECUTOR && kind !== 'local') {
    reader.error(
      field.path,
      `${LOCAL_EXECUTOR} is this machine, so its kind is local: give the ${kind} executor a name of its own`,
      field.at,
    );
    return undefined;
  }
  return kind as ExecutorKind;
}

// The sbatch arguments (each checked, so every bad word is named); false when invalid (already reported).
function readSbatch(reader: ConfigReader, field: Field | undefined, kind: ExecutorKind | undefined): string[] | false {
  if (field === undefined || isNull(field.value)) return [];
  if (kind === 'local') {
    reader.error(field.path, 'applies only to slurm executors, and this one is local', field.at);
    return false;
  }
  const entries = reader.list(field, SBATCH);
  if (!entries) return false;
  // Each word is judged with its neighbours (`--output x` is one option), so read them all first.
  const words = entries.map((entry) =>
    isScalar(entry.value) && typeof entry.value.value === 'string' ? entry.value.value : '',
  );
  let ok = true;
  for (const [index, entry] of entries.entries()) {
    const word = reader.string(entry, 'an sbatch argument as a string (e.g. --partition=gpu; quote a number: "4")');
    if (word === undefined) {
      ok = false;
      continue;
    }
    const refusal = word.trim() === '' ? 'is empty: expected an sbatch argument' : sbatchRefusal(words, index);
    if (refusal === undefined) continue;
    reader.error(entry.path, refusal, entry.at);
    ok = false;
  }
  return ok ? words : false;
}

// `scan_interval`: undefined for the kind's default; false when invalid (already reported).
function readScanInterval(reader: ConfigReader, field: Field | undefined): number | undefined | false {
  if (field === undefined || isNull(field.value)) return undefined;
  const value = isScalar(field.value) ? field.value.value : undefined;
  if (typeof value === 'number' && value >= MIN_SCAN_INTERVAL && value <= MAX_SCAN_INTERVAL) return value;
  const expected = `seconds from ${MIN_SCAN_INTERVAL} to ${MAX_SCAN_INTERVAL} (fractions allowed, e.g. 0.5)`;
  reader.error(field.path, `expected ${expected}, got ${describe(field.value)}`, field.at);
  return false;
}

/**
 * Reads `executors.<name>.{kind, sbatch, scan_interval}`: where workers can run. `local` (this
 * machine) is always there; the config may name it, with kind local, only to set its options.
 */
export function readExecutors(reader: ConfigReader, section: Field | undefined): ExecutorsRead {
  const result: ExecutorsRead = {
    executors: { [LOCAL_EXECUTOR]: localExecutor() },
    names: new Set([LOCAL_EXECUTOR]),
    complete: true,
  };
  const map = reader.section(section, 'a mapping of executors (e.g. hpc: { kind: slurm, sbatch: [--partition=gpu] })');
  if (!map || !section) return { ...result, complete: isNull(section?.value) };
  for (const entry of reader.fields(map, section.path).values()) {
    result.names.add(entry.name);
    const named = checkName(reader, entry, 'executor name');
    const spec = reader.mapping(entry, `{ kind: <${KINDS}>, ... }`);
    if (!spec) continue;
    const keys = reader.fields(spec, entry.path, EXECUTOR_KEYS);
    const kind = readKind(reader, keys.get('kind'), entry);
    const sbatch = readSbatch(reader, keys.get('sbatch'), kind);
    const scanInterval = readScanInterval(reader, keys.get('scan_interval'));
    if (!named || kind === undefined || sbatch === false || scanInterval === false) continue;
    result.executors[entry.name] = { name: entry.name, kind, sbatch, scanInterval };
  }
  return result;
}
