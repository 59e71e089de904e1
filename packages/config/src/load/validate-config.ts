import { isMap, type Document } from 'yaml';
import type { ConfigIssue, DispatchConfig } from '../types.js';
import { readBackends } from './read-backends.js';
import { readExecutors } from './read-executors.js';
import { checkable, readAgents, readAliases, readModels } from './read-models.js';
import { readOptions } from './read-options.js';
import { byPosition, ConfigReader, describe, type Field } from './reader.js';
import { quote } from './wording.js';

/** The outcome of validating a config: the config when there is no error, and every problem found. */
export interface ConfigValidation {
  value: DispatchConfig | null;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

/** The top-level keys config.yaml may hold (`agents` is the old format's). */
export const TOP_LEVEL_KEYS = [
  'default',
  'backends',
  'models',
  'aliases',
  'executors',
  'answer_timeout',
  'limits',
  'fallback',
  'notify',
  'quota_cooldown',
  'time_limit',
  'worktree_setup',
  'budget_usd',
  'agents',
] as const;

function readDefault(
  reader: ConfigReader,
  field: Field | undefined,
  root: unknown,
  names: Set<string> | undefined,
  old: boolean,
): string | undefined {
  const expected = 'the model or alias to use when a prompt names none';
  const name = reader.required(field, { path: '', key: root }, 'default', expected);
  if (name === undefined || !names || names.has(name)) return name;
  const what = old ? 'model, alias or agent' : 'model or alias';
  reader.error(
    'default',
    `${quote(name)} is not a ${what} defined in the config${reader.suggest(name, names)}`,
    field?.at,
  );
  return undefined;
}

/**
 * Validates a parsed config.yaml against the schema (DESIGN.md's config contract), collecting every
 * problem rather than stopping at the first: wrong types, dangling references (with a did-you-mean),
 * invalid names, empty commands, sbatch arguments dispatch keeps to itself. Unknown keys and the old format (`agents`) are warnings. `value`
 * is the normalized config, or null when there is any error.
 * @example
 * const { doc } = parseConfigDocument(text, file);
 * const { value, errors, warnings } = validateConfig(doc, file);
 * if (errors[0]) console.error(`${file}:${errors[0].position?.line}: ${errors[0].message}`);
 */
export function validateConfig(doc: Document.Parsed, file: string): ConfigValidation {
  const reader = new ConfigReader(doc);
  const root = reader.resolve(doc.contents);
  const finish = (value: DispatchConfig | null): ConfigValidation => ({
    value: reader.errors.length === 0 ? value : null,
    warnings: reader.warnings.sort(byPosition),
    errors: reader.errors.sort(byPosition),
  });
  if (!isMap(root)) {
    reader.error(
      '',
      `the config must be a mapping of keys (default, backends, models, aliases), not ${describe(root)}`,
      root ?? doc.contents,
    );
    return finish(null);
  }
  const top = reader.fields(root, '', TOP_LEVEL_KEYS);
  // Executors first: backends and limits name them.
  const executors = readExecutors(reader, top.get('executors'));
  const backends = readBackends(reader, top.get('backends'), checkable(executors));
  const models = readModels(reader, top.get('models'), checkable(backends));
  const aliases = readAliases(reader, top.get('aliases'), checkable(models));
  const agentsField = top.get('agents');
  const agents = agentsField
    ? readAgents(reader, agentsField, { models: models.names, aliases: aliases.names })
    : undefined;
  const sections = [models, aliases, ...(agents ? [agents] : [])];
  const names = sections.every((section) => section.complete)
    ? new Set(sections.flatMap((section) => [...section.names]))
    : undefined;
  const defaultName = readDefault(reader, top.get('default'), root, names, agents !== undefined);
  const options = readOptions(reader, top, {
    backends: checkable(backends),
    executors: checkable(executors),
    models: checkable(models),
  });
  if (defaultName === undefined) return finish(null);
  return finish({
    path: file,
    format: agents ? 'old' : 'current',
    default: defaultName,
    backends: backends.backends,
    models: models.values,
    executors: executors.executors,
    aliases: { ...aliases.values, ...agents?.values },
    ...options,
  });
}
