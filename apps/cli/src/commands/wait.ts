import {
  conditionsNow,
  type ConditionType,
  deriveTasks,
  describeCondition,
  DispatchError,
  ensureDaemonIfUnfinished,
  isFinal,
  usageError,
  waitFor,
  workspaceOf,
} from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { escapeControls } from '../view/terminal-text.js';

/** `--timeout SECONDS` as milliseconds (a non-negative number), undefined when not given. */
export function parseTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--timeout ${String(value)}: a number of seconds (0 or more)`, 'invalid-input');
  }
  return seconds * 1000;
}

/**
 * With `--exit-status`, the exit status says what was reported, for scripts (`dispatch wait ID
 * --exit-status && dispatch merge ID`): 0 completed; 1 failed or cancelled (as `gh run watch
 * --exit-status`); 3 a question or a block, which needs an answer (as `ask`'s 3: still pending).
 */
export const EXIT_STATUS: Readonly<Record<ConditionType, number>> = {
  completed: 0,
  failed: 1,
  cancelled: 1,
  question: 3,
  blocked: 3,
};

/**
 * `dispatch wait [ID...]`: the first notable condition of the named tasks (all unfinished ones,
 * including tasks created meanwhile, if none are named), reported at once if it already holds.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const ids = (ctx.args.ids as string[] | undefined) ?? [];
  const timeoutMs = parseTimeout(ctx.options.timeout);
  const { dispatchDir } = workspaceOf(io);
  const initial = await deriveTasks(dispatchDir, ids, (line) => io.err(`dispatch: ${line}\n`));
  await ensureDaemonIfUnfinished(io, initial);
  // Without ids, tasks already finished when the wait began are not news.
  const finishedBefore = new Set(ids.length > 0 ? [] : initial.filter((t) => isFinal(t.state)).map((t) => t.task.id));
  if (ids.length === 0 && finishedBefore.size === initial.length) {
    throw new DispatchError('failure', `nothing to wait for: no unfinished task in ${dispatchDir}`);
  }
  const scope = { dispatchDir, ids, finishedBefore };
  const found = await waitFor(dispatchDir, async () => (await conditionsNow(io, scope))[0]?.condition ?? null, {
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  if (found === null) throw new DispatchError('timeout', `nothing happened within ${String(ctx.options.timeout)} s`);
  if (ctx.options.json === true) printJson(io, found);
  else io.out(`${escapeControls(describeCondition(found))}\n`);
  return ctx.options.exitStatus === true ? EXIT_STATUS[found.type] : 0;
}
