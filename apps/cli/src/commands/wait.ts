import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { alternativeModels } from '../view/alternatives.js';
import { CONDITION_TYPES, conditionOf, describeCondition, type Condition } from '../view/conditions.js';
import { deriveTasks, ensureDaemonIfUnfinished, isFinal } from '../view/task-list.js';
import { waitFor } from '../view/watch-changes.js';
import { workspaceOf } from '../workspace.js';

/** `--timeout SECONDS` as milliseconds (a non-negative number), undefined when not given. */
export function parseTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--timeout ${String(value)}: a number of seconds (0 or more)`, 'invalid-input');
  }
  return seconds * 1000;
}

/** The condition to report among those holding now: needs-user first, then in the tasks' order. */
function first(conditions: readonly Condition[]): Condition | null {
  const rank = (c: Condition) => CONDITION_TYPES.indexOf(c.type);
  return [...conditions].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * `dispatch wait [ID...]`: the first notable condition of the named tasks (all unfinished ones,
 * including tasks created meanwhile, if none are named), reported at once if it already holds.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const ids = (ctx.args.ids as string[] | undefined) ?? [];
  const timeoutMs = parseTimeout(ctx.options.timeout);
  const { dispatchDir } = workspaceOf(io);
  const initial = await deriveTasks(dispatchDir, ids, io);
  await ensureDaemonIfUnfinished(io, initial);
  // Without ids, tasks already finished when the wait began are not news.
  const finishedBefore = new Set(ids.length > 0 ? [] : initial.filter((t) => isFinal(t.state)).map((t) => t.task.id));
  if (ids.length === 0 && finishedBefore.size === initial.length) {
    throw new CliError('failure', `nothing to wait for: no unfinished task in ${dispatchDir}`);
  }
  const alternatives = (tried: readonly string[]) => alternativeModels(io.env, tried);
  const probe = async () => {
    const tasks = (await deriveTasks(dispatchDir, ids)).filter((t) => !finishedBefore.has(t.task.id));
    const conditions = await Promise.all(tasks.map((t) => conditionOf(t, alternatives)));
    return first(conditions.filter((c): c is Condition => c !== null));
  };
  const found = await waitFor(dispatchDir, probe, { timeoutMs });
  if (found === null) {
    throw new CliError('wait-timeout', `nothing happened within ${String(ctx.options.timeout)} s`, { exitCode: ExitCode.timeout });
  }
  if (ctx.options.json === true) printJson(io, found);
  else io.out(`${describeCondition(found)}\n`);
  return 0;
}
