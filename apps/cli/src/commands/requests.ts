import { cancelTask, continueTask, noteTask, type RequestResult } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';

/**
 * Prints what a request did: its `--json` object (`{id, state}`, the model the next worker runs
 * for retry and continue, and `facts` of the command's own), or `line` (and a note when the daemon
 * has not applied it yet).
 */
export function printRequest(
  ctx: CommandContext,
  result: RequestResult,
  line: string,
  facts: Record<string, unknown> = {},
): void {
  if (ctx.options.json === true)
    printJson(ctx.io, {
      id: result.id,
      state: result.state,
      ...(result.model !== undefined && { model: result.model }),
      ...facts,
    });
  else ctx.io.out(`${line}${result.applied ? '' : ' (the daemon has not applied it yet; it will)'}\n`);
}

const withModel = (model: string | undefined) => (model === undefined ? '' : ` with ${model}`);
const idOf = (ctx: CommandContext) => String(ctx.args.id ?? '');

/** `dispatch cancel ID`: stop the worker's whole process group; the task ends cancelled. */
export async function cancel(ctx: CommandContext): Promise<void> {
  const result = await cancelTask(ctx.io, idOf(ctx));
  printRequest(ctx, result, `cancelling ${result.id}`);
}

/** `dispatch note ID TEXT`: a dispatcher note appended to the plan, for the worker to read. */
export async function note(ctx: CommandContext): Promise<void> {
  const text = ((ctx.args.text as string[] | undefined) ?? []).join(' ');
  const result = await noteTask(ctx.io, idOf(ctx), text);
  printRequest(ctx, result, `note sent to ${result.id}`);
}

/**
 * `dispatch continue ID [--answer TEXT] [--model M] [--time-limit S] [--budget-usd N]`: a new
 * worker goes on from the `[?]` item or the limit it reached, or now instead of at a quota's reset.
 */
export async function continueCommand(ctx: CommandContext): Promise<void> {
  const { options } = ctx;
  const model = options.model === undefined ? undefined : String(options.model);
  const result = await continueTask(ctx.io, idOf(ctx), {
    answer: options.answer === undefined ? undefined : String(options.answer),
    model,
    timeLimit: options.timeLimit === undefined ? undefined : Number(options.timeLimit),
    budgetUsd: options.budgetUsd === undefined ? undefined : Number(options.budgetUsd),
  });
  printRequest(ctx, result, `continuing ${result.id}${withModel(model === undefined ? undefined : result.model)}`);
}
