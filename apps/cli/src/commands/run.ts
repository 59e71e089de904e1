import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { wantsSimModel } from '@dispatch/config';
import { createTask, usageError, workspaceOf, type RunInput } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { readStdin } from '../task-access/read-stdin.js';
import { needConfig } from './warmup.js';

/** `--plan FILE|-`: the plan's text and where it came from. */
async function planOption(ctx: CommandContext): Promise<Pick<RunInput, 'plan' | 'planSource'>> {
  const file = ctx.options.plan as string | undefined;
  if (file === undefined) return {};
  // stdin as a stream: opening /dev/stdin fails (ENXIO) when it is a socket, as hosts often pass it.
  const text = await (file === '-' ? readStdin() : readFile(resolve(ctx.io.cwd, file), 'utf8')).catch(
    (err: NodeJS.ErrnoException) => {
      throw usageError(`--plan ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, 'invalid-input');
    },
  );
  return { plan: text, planSource: file === '-' ? 'the plan on stdin' : file };
}

/** A number option as given (validated by the runtime), undefined when absent. */
const numberOf = (value: unknown) => (value === undefined ? undefined : Number(value));

/** `dispatch run [prompt...]`: create the task, register it, make sure the daemon runs, return at once. */
export async function run(ctx: CommandContext): Promise<number | void> {
  const { io, options } = ctx;
  const prompt = ((ctx.args.prompt as string[] | undefined) ?? []).join(' ').trim();
  const steps = options.step as string[] | undefined;
  if (prompt === '' && steps === undefined && options.plan === undefined)
    throw usageError('say what to do: dispatch run "<prompt>", or give --step or --plan');
  if (options.plan !== undefined && steps !== undefined) throw usageError('use --step or --plan, not both');
  const model = options.model === undefined ? undefined : String(options.model);
  // Without a config, a terminal user is walked through first-run setup before anything else.
  if (!wantsSimModel({ modelFlag: model, prompt }) && io.interactive) await needConfig(ctx);
  // A command that exits in milliseconds: its writes block rather than hop to the thread pool.
  const caller = { env: io.env, cwd: io.cwd, bin: io.bin, blockingWrites: true };
  const created = await createTask(caller, {
    prompt,
    ...(steps !== undefined && { steps }),
    ...(await planOption(ctx)),
    ...(model !== undefined && { model }),
    ...(options.id !== undefined && { id: String(options.id) }),
    ...(options.answerTimeout !== undefined && { answerTimeout: numberOf(options.answerTimeout) }),
    ...(options.timeLimit !== undefined && { timeLimit: numberOf(options.timeLimit) }),
    ...(options.budgetUsd !== undefined && { budgetUsd: numberOf(options.budgetUsd) }),
    ...(options.onLimit !== undefined && { onLimit: String(options.onLimit) as 'pause' | 'fail' }),
    ...(options.after !== undefined && { after: ([] as unknown[]).concat(options.after).map(String) }),
    ...(options.worktree === true && { worktree: true }),
    ...(options.base !== undefined && { base: String(options.base) }),
    ...(options.executor !== undefined && { executor: String(options.executor) }),
    onNotice: (line) => {
      if (options.json !== true || line.startsWith('worktree ')) io.err(`${line}\n`);
    },
  });
  const { result } = created;
  if (options.json === true) printJson(io, result);
  else
    io.out(
      `${result.id}  ${result.model}  ${created.items} item${created.items === 1 ? '' : 's'}  ${created.planPath}\n`,
    );
  if (options.wait === true) {
    const { followTask } = await import('./follow.js');
    return followTask(ctx, workspaceOf(io).dispatchDir, result.id);
  }
}
