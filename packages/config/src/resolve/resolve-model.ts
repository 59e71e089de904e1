import { ConfigError } from '../errors.js';
import type { AliasConfig, BackendConfig, DispatchConfig, ModelConfig } from '../types.js';
import { findModelDirective } from './directive.js';
import { type ModelArgs, modelArgsFor, posixQuote, shellCommandFor } from './model-args.js';
import { findNearName } from '../near-name.js';

/** The built-in simulated worker's model: works with no config; a configured `sim` wins. */
export const SIM_MODEL = 'sim';

/** Where the model choice came from. */
export type ResolutionSource = 'flag' | 'directive' | 'default' | 'builtin';

/** The model a task runs with, its backend and how the model is passed. */
export interface Resolution {
  model: string;
  via: ResolutionSource;
  /** The alias the user named, when it was one. */
  alias?: string;
  /** The alias's prompt, to prepend to the worker prompt. */
  aliasPrompt?: string;
  /** Null for the built-in sim model and for an old-format alias with its own command. */
  backend: BackendConfig | null;
  args: ModelArgs | null;
  /** The shell command with the model flag, for display (spawn with `backend` and `args`); an old-format alias's own command; null for sim. */
  command: string | null;
}

/** What resolution reads: the config (null when there is none), `--model`, the prompt. */
export interface ResolveModelInput {
  config: DispatchConfig | null;
  modelFlag?: string | undefined;
  prompt?: string | undefined;
  /** Quotes the model value in `command`; POSIX single quotes by default. */
  quote?: (value: string) => string;
}

/**
 * Picks the model: `--model` (a model or an alias), else the last model or alias named in a
 * directive of the prompt, else the config's default. An alias resolves to its model and carries
 * its prompt. The built-in `sim` model needs no config. Throws `ConfigError` `unknown-model` for an
 * unknown `--model` (naming what is configured) and `missing-config` when there is no config.
 * @example resolveModel({ config, prompt: 'use sonnet to review the auth module' })
 * // { model: 'sonnet', via: 'directive', backend: claude, args: { flag: '--model', value: 'sonnet' }, command: "claude -p --model 'sonnet'" }
 */
export function resolveModel(input: ResolveModelInput): Resolution {
  const { config } = input;
  const quote = input.quote ?? posixQuote;
  const flag = input.modelFlag?.trim() ?? '';
  if (flag !== '') return resolveName(config, flag, 'flag', quote);
  if (config === null) {
    // "use sim to ..." works without a config, as --model sim does.
    if (wantsSimModel({ prompt: input.prompt })) return builtin();
    throw new ConfigError(
      'missing-config',
      'no config: run `dispatch init`, or use the built-in sim model (--model sim)',
    );
  }
  const names = [...Object.keys(config.models), ...Object.keys(config.aliases)];
  if (!names.some((name) => name.toLowerCase() === SIM_MODEL)) names.push(SIM_MODEL);
  const directive = input.prompt === undefined ? null : findModelDirective(input.prompt, names);
  return resolveName(config, directive?.name ?? config.default, directive === null ? 'default' : 'directive', quote);
}

/**
 * Whether a run asks for the built-in `sim` model, by `--model` or by a directive of the prompt
 * ("use sim to ..."): such a run needs no config.
 * @example wantsSimModel({ prompt: 'use sim to scan the repo' }) // true
 */
export function wantsSimModel(input: { modelFlag?: string | undefined; prompt?: string | undefined }): boolean {
  const flag = input.modelFlag?.trim() ?? '';
  if (flag !== '') return flag.toLowerCase() === SIM_MODEL;
  return input.prompt !== undefined && findModelDirective(input.prompt, [SIM_MODEL]) !== null;
}

/**
 * The one-line stderr echo of a resolution.
 * @example describeResolution(resolveModel({ config })) // 'using opus (default)'
 */
export function describeResolution(r: Resolution): string {
  const source = { flag: '--model', directive: 'from the prompt', default: 'default', builtin: 'built-in' }[r.via];
  if (r.alias === undefined) return `using ${r.model} (${source})`;
  const named = r.alias === r.model ? r.alias : `${r.alias} → ${r.model}`;
  return r.via === 'flag' || r.via === 'directive' ? `using ${named} (alias)` : `using ${named} (alias, ${source})`;
}

type Via = Exclude<ResolutionSource, 'builtin'>;

function resolveName(
  config: DispatchConfig | null,
  name: string,
  via: Via,
  quote: (value: string) => string,
): Resolution {
  if (config !== null) {
    const model = lookup(config.models, name);
    if (model !== undefined) return fromModel(config, model, via, quote);
    const alias = lookup(config.aliases, name);
    if (alias !== undefined) return fromAlias(config, alias, via, quote);
  }
  if (name.toLowerCase() === SIM_MODEL) return builtin();
  if (config === null) {
    throw new ConfigError(
      'missing-config',
      `no config for model '${name}': run \`dispatch init\`, or use the built-in sim model (--model sim)`,
    );
  }
  if (via === 'default') {
    throw new ConfigError('unknown-model', `default '${name}' is not a model or alias in the config`, {
      file: config.path,
    });
  }
  throw unknownModel(config, name);
}

function fromModel(config: DispatchConfig, model: ModelConfig, via: Via, quote: (value: string) => string): Resolution {
  const backend = config.backends[model.backend];
  if (backend === undefined) {
    throw new ConfigError(
      'malformed-config',
      `models.${model.id}: backend '${model.backend}' is not defined in backends`,
      { file: config.path },
    );
  }
  return {
    model: model.id,
    via,
    backend,
    args: modelArgsFor(backend, model.id),
    command: shellCommandFor(backend, model.id, quote),
  };
}

function fromAlias(config: DispatchConfig, alias: AliasConfig, via: Via, quote: (value: string) => string): Resolution {
  const extra = { alias: alias.name, ...(alias.prompt === undefined ? {} : { aliasPrompt: alias.prompt }) };
  if (alias.command !== undefined) {
    // Old format: the agent's command runs as it is; the config says nothing of its model.
    return {
      model: alias.model ?? alias.name,
      via,
      ...extra,
      backend: null,
      args: null,
      command: alias.command.trim(),
    };
  }
  const target = alias.model === undefined ? undefined : lookup(config.models, alias.model);
  if (target !== undefined) return { ...fromModel(config, target, via, quote), ...extra };
  if (alias.model?.toLowerCase() === SIM_MODEL) return { ...builtin(), ...extra };
  const what =
    alias.model === undefined ? 'names no model' : `names model '${alias.model}', which is not defined in models`;
  throw new ConfigError('unknown-model', `aliases.${alias.name}: ${what}`, { file: config.path });
}

function builtin(): Resolution {
  return { model: SIM_MODEL, via: 'builtin', backend: null, args: null, command: null };
}

// Exact first; a name typed in another case still finds its entry ("use Opus", `--model OPUS`).
function lookup<T>(entries: Record<string, T>, name: string): T | undefined {
  if (Object.hasOwn(entries, name)) return entries[name];
  const lower = name.toLowerCase();
  const key = Object.keys(entries).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : entries[key];
}

function unknownModel(config: DispatchConfig, name: string): ConfigError {
  const models = Object.keys(config.models);
  const aliases = Object.keys(config.aliases);
  const near = findNearName(name, [...models, ...aliases, SIM_MODEL]);
  const hint = near === undefined ? '' : `: did you mean ${near}?`;
  const list = `models: ${models.join(', ') || 'none'}; aliases: ${aliases.join(', ') || 'none'}; built-in: ${SIM_MODEL}`;
  return new ConfigError('unknown-model', `unknown model '${name}'${hint} (${list})`);
}
