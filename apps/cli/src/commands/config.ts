import {
  addBackend,
  addModel,
  checkNewBackend,
  configPath,
  type DispatchConfig,
  editConfig,
  type EditResult,
  migrateConfig,
  removeModel,
  setAlias,
  setDefault,
} from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { printWarnings } from '../view/config-warnings.js';
import { loadUserConfig } from '@dispatch/runtime';

const pathOf = (ctx: CommandContext) => configPath(ctx.io.env);
const arg = (ctx: CommandContext, name: string) => String(ctx.args[name] ?? '');

function report(ctx: CommandContext, result: EditResult, what: string): void {
  printWarnings(ctx.io, result.path, result.warnings);
  if (ctx.options.json === true) printJson(ctx.io, { path: result.path, changed: result.changed });
  else ctx.io.out(`${result.changed ? what : `${what} (no change)`}\n`);
}

/** The config as `show` prints it for people: default, models by backend, aliases. */
export function describeConfig(config: DispatchConfig): string {
  const lines = [`default: ${config.default}`, 'models:'];
  const width = Math.max(0, ...Object.keys(config.models).map((id) => id.length));
  for (const model of Object.values(config.models)) lines.push(`  ${model.id.padEnd(width)}  ${model.backend}`);
  const aliases = Object.values(config.aliases);
  if (aliases.length > 0) lines.push('aliases:');
  for (const a of aliases)
    lines.push(`  ${a.name} → ${a.model ?? `command: ${a.command ?? ''}`}${a.prompt ? ` (prompt: ${a.prompt})` : ''}`);
  lines.push('backends:');
  for (const b of Object.values(config.backends)) lines.push(`  ${b.name}: ${b.command}`);
  return `${lines.join('\n')}\n`;
}

/** `dispatch config show`. */
export async function show(ctx: CommandContext): Promise<void> {
  const { config, warnings } = await loadUserConfig(ctx.io.env);
  printWarnings(ctx.io, config.path, warnings);
  if (ctx.options.json === true) printJson(ctx.io, config);
  else ctx.io.out(`# ${config.path}\n${describeConfig(config)}`);
}

/** `dispatch config path`. */
export async function path(ctx: CommandContext): Promise<void> {
  if (ctx.options.json === true) printJson(ctx.io, { path: pathOf(ctx) });
  else ctx.io.out(`${pathOf(ctx)}\n`);
}

/** `dispatch config set-default M`. */
export async function setDefaultCommand(ctx: CommandContext): Promise<void> {
  const model = arg(ctx, 'model');
  report(ctx, await editConfig(pathOf(ctx), (doc) => setDefault(doc, model)), `default: ${model}`);
}

/** `dispatch config add-model M --backend B`. */
export async function addModelCommand(ctx: CommandContext): Promise<void> {
  const model = arg(ctx, 'model');
  const backend = String(ctx.options.backend);
  report(
    ctx,
    await editConfig(pathOf(ctx), (doc) => addModel(doc, model, backend)),
    `added ${model} (backend ${backend})`,
  );
}

const list = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : ([] as unknown[]).concat(value).map(String);

/**
 * `dispatch config add-backend NAME --command CMD [--model-flag F|none] [--env NAME]... [--model
 * M]...`: a backend (any command that takes a prompt as its last argument) and the models it
 * serves, in one validated edit that keeps every comment.
 */
export async function addBackendCommand(ctx: CommandContext): Promise<void> {
  const env = list(ctx.options.env);
  const backend = {
    name: arg(ctx, 'name'),
    command: String(ctx.options.command ?? ''),
    modelFlag: ctx.options.modelFlag === undefined ? undefined : String(ctx.options.modelFlag),
    env: env?.includes('all') ? ('all' as const) : env,
  };
  const models = list(ctx.options.model) ?? [];
  checkNewBackend(backend, ctx.io.env.PATH);
  const result = await editConfig(pathOf(ctx), (doc) => {
    addBackend(doc, backend);
    for (const model of models) addModel(doc, model, backend.name);
  });
  printWarnings(ctx.io, result.path, result.warnings);
  if (ctx.options.json === true)
    printJson(ctx.io, { path: result.path, changed: result.changed, backend: backend.name, models });
  else
    ctx.io.out(
      `added backend ${backend.name}${models.length > 0 ? ` with ${models.join(', ')}` : ` (add a model: dispatch config add-model M --backend ${backend.name})`}\n`,
    );
}

/** `dispatch config remove-model M`. */
export async function removeModelCommand(ctx: CommandContext): Promise<void> {
  const model = arg(ctx, 'model');
  report(ctx, await editConfig(pathOf(ctx), (doc) => removeModel(doc, model)), `removed ${model}`);
}

/** `dispatch config alias NAME --model M [--prompt TEXT]`. */
export async function aliasCommand(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'name');
  const model = String(ctx.options.model);
  const prompt = ctx.options.prompt === undefined ? undefined : String(ctx.options.prompt);
  report(ctx, await editConfig(pathOf(ctx), (doc) => setAlias(doc, name, model, prompt)), `alias ${name} → ${model}`);
}

/** `dispatch config migrate`. */
export async function migrate(ctx: CommandContext): Promise<void> {
  const result = await migrateConfig(pathOf(ctx));
  printWarnings(ctx.io, result.path, result.warnings);
  if (ctx.options.json === true)
    printJson(ctx.io, { path: result.path, backup: result.backup, migrated: result.migrated });
  else
    ctx.io.out(
      `migrated ${result.migrated.join(', ') || 'nothing'} to backends and models; the old config is in ${result.backup}\n`,
    );
}
