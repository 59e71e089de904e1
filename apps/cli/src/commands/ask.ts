import { askAsWorker } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';

/** `dispatch ask TEXT [--timeout S]` / `dispatch ask --wait N [--timeout S]`, for workers (see askAsWorker). */
export function run(ctx: CommandContext): Promise<number> {
  const question = ((ctx.args.question as string[] | undefined) ?? []).join(' ');
  return askAsWorker(ctx.io.env, { question, wait: ctx.options.wait, timeout: ctx.options.timeout }, ctx.io);
}
