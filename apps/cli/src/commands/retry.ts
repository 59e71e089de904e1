import {
  type Alternative,
  configPath,
  type DispatchConfig,
  editConfig,
  MODEL_FAILURES,
  removeModel,
  setDefault,
} from '@dispatch/config';
import type { TaskError } from '@dispatch/core';
import { refusalOf } from '@dispatch/ipc-fs';
import { alternativesIn, checkModelOption, loadHostedTask, retryTask, usageError, userConfig } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printRequest } from './requests.js';

/** How the config is to be repaired before the retry, so the same failure does not happen again. */
export interface Repair {
  setDefault: boolean;
  removeFailed: boolean;
}

const NO_REPAIR: Repair = { setDefault: false, removeFailed: false };

/** On a terminal: which model to retry with (the alternatives first when another model helps). */
async function askModel(
  id: string,
  error: TaskError | null,
  current: string,
  alternatives: readonly Alternative[],
): Promise<string> {
  const { default: select } = await import('@inquirer/select');
  const others = alternatives.map((a) => ({
    name: `${a.model}  (${a.backend}${a.isDefault ? ', default' : ''})`,
    value: a.model,
  }));
  const same = { name: `${current} again`, value: current };
  const modelFailure = error !== null && MODEL_FAILURES.includes(error.kind);
  return select({
    message: `${id} failed${error ? ` (${error.kind}: ${error.message})` : ''}. Retry with`,
    choices: modelFailure ? [...others, same] : [same, ...others],
  });
}

/**
 * On a terminal, after choosing another model for a model failure: repair the config? The first
 * (preselected) choice leaves it as it is, but when the model itself is gone (`model-unavailable`):
 * a missing CLI or a lapsed login is fixed outside the config, and then the failed model is fine.
 */
async function askRepair(chosen: string, failed: string, kind: string, config: DispatchConfig): Promise<Repair> {
  const { default: select } = await import('@inquirer/select');
  const remove = {
    name: `Make ${chosen} the default and remove ${failed} from the config`,
    value: { setDefault: true, removeFailed: true },
  };
  const makeDefault = { name: `Make ${chosen} the default`, value: { setDefault: true, removeFailed: false } };
  const leave = { name: 'Leave the config as it is', value: NO_REPAIR };
  const removable = failed in config.models;
  const choices =
    kind === 'model-unavailable'
      ? [...(removable ? [remove] : []), makeDefault, leave]
      : [leave, makeDefault, ...(removable ? [remove] : [])];
  return select({ message: 'So this does not happen again', choices });
}

/** Refuses repairs that cannot be made; one clear line each. */
export function checkRepair(
  repair: Repair,
  chosen: string | undefined,
  failed: string,
  config: DispatchConfig | null,
): void {
  if (!repair.setDefault && !repair.removeFailed) return;
  if (config === null) throw usageError(`there is no config to repair: run \`dispatch init\` first`, 'invalid-input');
  if (repair.setDefault && chosen === undefined)
    throw usageError('--set-default: name the new default with --model', 'invalid-input');
  if (repair.removeFailed) {
    if (!(failed in config.models))
      throw usageError(`--remove-failed: ${failed} is not a model in the config`, 'invalid-input');
    if ((chosen ?? failed) === failed)
      throw usageError(
        `--remove-failed: the retry would use ${failed} itself: choose another with --model`,
        'invalid-input',
      );
    if (config.default === failed && !repair.setDefault) {
      throw usageError(
        `--remove-failed: ${failed} is the default: add --set-default to make ${chosen ?? 'the new model'} the default`,
        'invalid-input',
      );
    }
  }
}

/**
 * Applies the repair in one validated edit that keeps every comment; returns what changed (null
 * when nothing was asked). The inspector's retry repairs through it too.
 */
export async function applyRepair(
  env: NodeJS.ProcessEnv,
  repair: Repair,
  chosen: string,
  failed: string,
): Promise<string | null> {
  if (!repair.setDefault && !repair.removeFailed) return null;
  await editConfig(configPath(env), (doc) => {
    if (repair.setDefault) setDefault(doc, chosen);
    if (repair.removeFailed) removeModel(doc, failed);
  });
  return [repair.setDefault && `default is now ${chosen}`, repair.removeFailed && `removed ${failed}`]
    .filter(Boolean)
    .join(', ');
}

/** Applies the repair and says what changed (with --json, in the JSON object: stdout holds only it). */
async function repairConfig(
  ctx: CommandContext,
  repair: Repair,
  chosen: string,
  failed: string,
): Promise<string | null> {
  const said = await applyRepair(ctx.io.env, repair, chosen, failed);
  if (said !== null && ctx.options.json !== true) ctx.io.out(`config: ${said}\n`);
  return said;
}

/**
 * `dispatch retry ID [--model M] [--set-default] [--remove-failed]`: re-run a failed task from its
 * first open item. On a terminal without `--model`, asks which model (and whether to repair the
 * config); a script gets the same model unless it names another.
 */
export async function retry(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { ref, derived } = await loadHostedTask(io, String(ctx.args.id ?? ''));
  const refusal = refusalOf('retry', ref.id, derived.snapshot);
  if (refusal !== null) throw usageError(refusal, 'invalid-input');
  const { model: failed, error, modelsTried } = derived.snapshot.context;
  let chosen = await checkModelOption(io, ctx.options.model);
  let repair: Repair = { setDefault: ctx.options.setDefault === true, removeFailed: ctx.options.removeFailed === true };
  const config = await userConfig(io.env);

  if (chosen === undefined && io.interactive && config !== null) {
    const alternatives = alternativesIn(config, io.env, [...modelsTried, failed], error?.kind);
    if (alternatives.length > 0) {
      chosen = await askModel(ref.id, error, failed, alternatives);
      const modelFailure = error !== null && MODEL_FAILURES.includes(error.kind);
      if (error !== null && chosen !== failed && modelFailure && !repair.setDefault && !repair.removeFailed)
        repair = await askRepair(chosen, failed, error.kind, config);
    }
  }
  checkRepair(repair, chosen, failed, config);
  const repaired = await repairConfig(ctx, repair, chosen ?? failed, failed);

  const result = await retryTask(io, ref.id, { model: chosen });
  printRequest(
    ctx,
    result,
    `retrying ${ref.id}${result.model !== undefined && result.model !== failed ? ` with ${result.model}` : ''}`,
    repaired === null ? {} : { config: repaired },
  );
}
