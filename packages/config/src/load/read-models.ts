import type { AliasConfig, ModelConfig } from '../types.js';
import { readCommand } from './read-backends.js';
import { checkName } from './names.js';
import { isNull, type ConfigReader, type Field } from './reader.js';
import { quote } from './wording.js';

/** A section of named entries, validated, and every name it defines (valid or not, for references). */
export interface SectionRead<T> {
  values: Record<string, T>;
  names: Set<string>;
  /** False when the section is not a mapping: references to it cannot be checked. */
  complete: boolean;
}

/** The names references may be checked against: undefined when the section could not be read. */
export function checkable(section: { names: Set<string>; complete: boolean }): Set<string> | undefined {
  return section.complete ? section.names : undefined;
}

/** The warning an old-format config (`agents`) gets, valid or not. */
export const OLD_FORMAT_WARNING = 'old config format: run `dispatch config migrate` to convert it';

/** Reads `models.<id>.backend`; the backend must be a key of `backends`. */
export function readModels(
  reader: ConfigReader,
  section: Field | undefined,
  backends: Set<string> | undefined,
): SectionRead<ModelConfig> {
  const result: SectionRead<ModelConfig> = { values: {}, names: new Set(), complete: true };
  const map = reader.section(section, 'a mapping of models (e.g. opus: { backend: claude })');
  if (!map || !section) return { ...result, complete: isNull(section?.value) };
  for (const entry of reader.fields(map, section.path).values()) {
    result.names.add(entry.name);
    const named = checkName(reader, entry, 'model id');
    const spec = reader.mapping(entry, '{ backend: <name of a backend> }');
    if (!spec) continue;
    const keys = reader.fields(spec, entry.path, ['backend']);
    const backend = reader.required(keys.get('backend'), entry, 'backend', 'the name of a backend in backends');
    if (backend === undefined) continue;
    if (backends && !backends.has(backend)) {
      const near = reader.suggest(backend, backends);
      reader.error(
        entry.path,
        `backend ${quote(backend)} is not defined in backends${near}`,
        keys.get('backend')?.at,
        `${entry.path}.backend`,
      );
    } else if (named) result.values[entry.name] = { id: entry.name, backend };
  }
  return result;
}

function readPrompt(reader: ConfigReader, field: Field | undefined): string | undefined | false {
  if (field === undefined || isNull(field.value)) return undefined;
  const prompt = reader.string(field, 'the text to put before the task (a string)');
  if (prompt === undefined) return false;
  return prompt.trim() === '' ? undefined : prompt.trim();
}

/** Reads `aliases.<name>.{model, prompt}`: the model must be a model id, and the name must not be one. */
export function readAliases(
  reader: ConfigReader,
  section: Field | undefined,
  models: Set<string> | undefined,
): SectionRead<AliasConfig> {
  const result: SectionRead<AliasConfig> = { values: {}, names: new Set(), complete: true };
  const map = reader.section(section, 'a mapping of aliases (e.g. quick: { model: sonnet })');
  if (!map || !section) return { ...result, complete: isNull(section?.value) };
  for (const entry of reader.fields(map, section.path).values()) {
    result.names.add(entry.name);
    let named = checkName(reader, entry, 'alias name');
    if (named && models?.has(entry.name)) {
      reader.error(
        entry.path,
        `${quote(entry.name)} is already a model id: give the alias a name of its own`,
        entry.key,
      );
      named = false;
    }
    const spec = reader.mapping(entry, '{ model: <model id>, prompt: <text> }');
    if (!spec) continue;
    const keys = reader.fields(spec, entry.path, ['model', 'prompt']);
    const model = reader.required(keys.get('model'), entry, 'model', 'the id of a model in models');
    const prompt = readPrompt(reader, keys.get('prompt'));
    if (model !== undefined && models && !models.has(model)) {
      const near = reader.suggest(model, models);
      reader.error(
        entry.path,
        `model ${quote(model)} is not defined in models${near}`,
        keys.get('model')?.at,
        `${entry.path}.model`,
      );
    } else if (named && model !== undefined && prompt !== false) {
      result.values[entry.name] = { name: entry.name, model, prompt, command: undefined };
    }
  }
  return result;
}

/**
 * Reads the old format's `agents.<name>.command` as aliases that run their own command, warning
 * that the format is old. Names must not clash with models or aliases.
 */
export function readAgents(
  reader: ConfigReader,
  section: Field,
  taken: { models: Set<string>; aliases: Set<string> },
): SectionRead<AliasConfig> {
  const result: SectionRead<AliasConfig> = { values: {}, names: new Set(), complete: true };
  reader.warn('', OLD_FORMAT_WARNING, section.key, section.path);
  const map = reader.section(section, 'a mapping of agents (e.g. claude: { command: "claude -p" })');
  if (!map) return { ...result, complete: isNull(section.value) };
  for (const entry of reader.fields(map, section.path).values()) {
    result.names.add(entry.name);
    let named = checkName(reader, entry, 'agent name');
    const clash = taken.models.has(entry.name) ? 'a model id' : taken.aliases.has(entry.name) ? 'an alias' : undefined;
    if (named && clash) {
      reader.error(entry.path, `${quote(entry.name)} is already ${clash}: give the agent a name of its own`, entry.key);
      named = false;
    }
    const spec = reader.mapping(entry, '{ command: <the shell command that runs the agent> }');
    if (!spec) continue;
    const command = readCommand(reader, reader.fields(spec, entry.path, ['command']).get('command'), entry);
    if (named && command !== undefined) {
      result.values[entry.name] = { name: entry.name, model: undefined, prompt: undefined, command };
    }
  }
  return result;
}
