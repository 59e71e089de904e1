import { listTaskIds, sweepRemovedTasks } from '@dispatch/ipc-fs';
import {
  findTask,
  livenessOf,
  removeTaskWithWorktree,
  usageError,
  waitingDependents,
  workspaceOf,
  worktreeKeepOf,
} from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import type { Io } from '../io.js';
import { printJson } from '../json-output.js';
import { keepIt } from '../worktree-hint.js';

/** What a clean did, as `--json` prints it. */
interface Cleaned {
  removed: string[];
  kept: { id: string; why: string }[];
}

/** `removed ID (state)`, naming the worktree and branch that went with it. */
function removedLine(id: string, state: string, branch: string | undefined, was: string | null): string {
  const git = branch === undefined ? '' : ` with its worktree and branch ${branch} (was ${was?.slice(0, 7)})`;
  return `removed ${id} (${state})${git}\n`;
}

/** `clean ID [--force]`: the one task, refused while it is live or its worktree holds unsaved work. */
async function cleanOne(io: Io, id: string, force: boolean): Promise<Cleaned> {
  const ref = await findTask(io, id);
  const { state, keep, dependents } = await livenessOf(ref);
  if (dependents)
    throw usageError(
      `task ${ref.id} is kept: ${keep}; ${state === 'failed' ? 'retry it, or ' : ''}cancel them first: dispatch cancel ${dependents[0]}`,
      'invalid-input',
    );
  if (keep !== null)
    throw usageError(`task ${ref.id} is live (${keep}); cancel it first: dispatch cancel ${ref.id}`, 'invalid-input');
  const wt = await worktreeKeepOf(ref);
  if (wt.keep !== null && !(force && wt.forceable))
    throw usageError(
      `task ${ref.id} is kept: ${wt.keep}${wt.forceable ? `; ${keepIt(ref.id, state)}, or clean it with --force` : ''}`,
      'invalid-input',
    );
  const was = await removeTaskWithWorktree(ref, wt.worktree);
  io.out(removedLine(ref.id, state, wt.worktree?.branch, was));
  return { removed: [ref.id], kept: [] };
}

/**
 * `dispatch clean [ID | --finished | --all] [--force] [--json]`: removes task folders and their
 * registrations, never a live task, and a worktree task only with its worktree and branch — kept
 * while they hold work nothing else does (commits not merged, uncommitted changes).
 * `--finished` (also the default) removes completed and cancelled tasks; `--all` every task that
 * is not live. Kept tasks are named on stderr, with why; `--force` (with an ID only) throws a
 * task's unsaved worktree work away.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const json = ctx.options.json === true;
  // With --json, stdout holds only the JSON object.
  const io: Io = json ? { ...ctx.io, out: () => {} } : ctx.io;
  const id = ctx.args.id as string | undefined;
  const all = ctx.options.all === true;
  const force = ctx.options.force === true;
  if ([id !== undefined, all, ctx.options.finished === true].filter(Boolean).length > 1)
    throw usageError('give one of ID, --finished or --all');
  if (force && id === undefined) throw usageError('--force goes with one task ID: dispatch clean ID --force');
  const cleaned = id !== undefined ? await cleanOne(io, id, force) : await cleanMany(io, all);
  if (json) printJson(ctx.io, cleaned);
}

async function cleanMany(io: Io, all: boolean): Promise<Cleaned> {
  const { dispatchDir } = workspaceOf(io);
  const cleaned: Cleaned = { removed: [], kept: [] };
  const kept = (id: string, why: string, hint = '') => {
    cleaned.kept.push({ id, why });
    io.err(`kept ${id}: ${why}${hint}\n`);
  };
  const now = Date.now();
  const waiting = await waitingDependents(dispatchDir, now);
  for (const taskId of await listTaskIds(dispatchDir)) {
    const ref = await findTask(io, taskId).catch(() => null);
    if (ref === null) continue; // no task.json: not a task (or one `run` is still creating)
    const { state, keep } = await livenessOf(ref, now, waiting);
    if (keep !== null) {
      kept(ref.id, keep);
      continue;
    }
    if (!all && state !== 'completed' && state !== 'cancelled') continue;
    const wt = await worktreeKeepOf(ref);
    if (wt.keep !== null) {
      kept(ref.id, wt.keep, wt.forceable ? ` (${keepIt(ref.id, state)}, or dispatch discard ${ref.id} --force)` : '');
      continue;
    }
    const was = await removeTaskWithWorktree(ref, wt.worktree);
    io.out(removedLine(ref.id, state, wt.worktree?.branch, was));
    cleaned.removed.push(ref.id);
  }
  await sweepRemovedTasks(dispatchDir);
  if (cleaned.removed.length === 0) io.out('nothing to clean\n');
  return cleaned;
}
