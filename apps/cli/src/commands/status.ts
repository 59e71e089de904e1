import { type DerivedTask, readQueue, readWatchHealth } from '@dispatch/ipc-fs';
import { dispatchHome } from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import {
  alternativesFor,
  deriveTasks,
  ensureDaemonIfUnfinished,
  failureReport,
  runningDaemon,
  statusOf,
  workspaceOf,
} from '@dispatch/runtime';
import { createStyle } from '../style.js';
import { inboxOf, renderInbox } from '../view/inbox.js';
import { renderStatusTable } from '../view/status-table.js';
import { escapeControls } from '../view/terminal-text.js';

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/** A line when the daemon follows this workspace by scanning only (its watcher failed). */
async function watchNote(env: NodeJS.ProcessEnv, dispatchDir: string): Promise<string[]> {
  const home = dispatchHome(env);
  const degraded = (await readWatchHealth(home)).some((h) => h.dispatchDir === dispatchDir && h.degraded);
  if (!degraded || (await runningDaemon(home)) === null) return [];
  return [
    'note: the daemon cannot watch this workspace (out of inotify watches?): it sees changes by scanning every 5 s; see dispatch doctor',
  ];
}

/** One frame: the JSON array (one object for `status ID`), or the table and its failure report. */
async function render(
  ctx: CommandContext,
  dispatchDir: string,
  tasks: readonly DerivedTask[],
  single: boolean,
): Promise<string> {
  const { io } = ctx;
  // Each task's view, with token use, cost and current action from CLIs with structured output.
  const views = await statusOf(tasks);
  if (ctx.options.json === true) return `${JSON.stringify(single ? views[0] : views)}\n`;
  if (views.length === 0) return `no tasks in ${dispatchDir}\n`;
  const activity = new Map(views.map((v) => [v.id, v.activity]));
  // Why a queued task waits (a dependency, a slot and its place in line), as the daemon says.
  if (views.some((v) => v.state === 'queued')) {
    for (const q of await readQueue(dispatchHome(io.env))) {
      if (q.dispatchDir === dispatchDir)
        activity.set(q.id, q.place === undefined ? q.reason : `${q.reason} (#${q.place} in line)`);
    }
  }
  const table = renderStatusTable(views, {
    style: createStyle(io.outColor),
    now: Date.now(),
    columns: io.outColumns,
    activity,
  });
  const failures = await failureReport(tasks, alternativesFor(io.env));
  const notes = [...failures.map(escapeControls), ...(await watchNote(io.env, dispatchDir))];
  // What waits for the user on top (questions with the time left, blocks); failures below, with what to do.
  const waiting = renderInbox((await inboxOf(tasks, async () => [])).filter((e) => e.type !== 'failed'));
  const top = waiting.length === 0 ? '' : `${waiting.join('\n')}\n\n`;
  return `${top}${table}${notes.length === 0 ? '' : `\n${notes.join('\n')}\n`}`;
}

/** Redraws on every change until Ctrl-C: on a terminal in place, piped as a new frame when it differs. */
async function watchFrames(ctx: CommandContext, dispatchDir: string, ids: string[], first: string): Promise<void> {
  const { io } = ctx;
  const tty = io.outColumns !== undefined && ctx.options.json !== true;
  let last = first;
  // Loaded only here: watching (chokidar) is not what a plain `status` should pay for at start-up.
  const { untilInterrupted, waitFor } = await import('@dispatch/runtime/watch');
  // Ctrl-C is ours from before the first frame: a reader that saw it may stop us at once.
  await untilInterrupted((signal) => {
    io.out(tty ? CLEAR_SCREEN + first : first);
    return waitFor<true>(
      dispatchDir,
      async () => {
        const text = await render(ctx, dispatchDir, await deriveTasks(dispatchDir, ids), ids.length === 1);
        if (tty) io.out(CLEAR_SCREEN + text);
        else if (text !== last) io.out(ctx.options.json === true ? text : `\n${text}`);
        last = text;
        return null;
      },
      { signal, intervalMs: 2000 },
    );
  });
}

/** `dispatch status [ID] [--json] [--watch]`: every task of the workspace, or one. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { dispatchDir } = workspaceOf(io);
  const ids = typeof ctx.args.id === 'string' ? [ctx.args.id] : [];
  const tasks = await deriveTasks(dispatchDir, ids, (line) => io.err(`dispatch: ${line}\n`));
  // A log from a newer dispatch still reads; say what was skipped, on stderr (never in --json).
  for (const warning of tasks.flatMap((t) => t.warnings)) io.err(`dispatch: warning: ${warning}\n`);
  await ensureDaemonIfUnfinished(io, tasks);
  const text = await render(ctx, dispatchDir, tasks, ids.length === 1);
  if (ctx.options.watch === true) await watchFrames(ctx, dispatchDir, ids, text);
  else io.out(text);
  return 0;
}
