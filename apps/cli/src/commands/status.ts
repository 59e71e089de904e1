import { type DerivedTask, readQueue, readTaskWorktree, readWatchHealth } from '@dispatch/ipc-fs';
import { holdsSlot } from '@dispatch/core';
import { dispatchHome } from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import {
  alternativesFor,
  attemptsOf,
  deriveTasks,
  describeExecutor,
  ensureDaemonIfUnfinished,
  failureReport,
  needsYouOf,
  runningDaemon,
  statusOf,
  workspaceOf,
} from '@dispatch/runtime';
import { createStyle } from '../style.js';
import { inboxOf, renderInbox } from '../view/inbox.js';
import { escapeControls } from '../view/terminal-text.js';
import { watchScreen } from '../view/watch-screen.js';

/** A line when the daemon follows this workspace by scanning only (its watcher failed). */
async function watchNote(env: NodeJS.ProcessEnv, dispatchDir: string): Promise<string[]> {
  const home = dispatchHome(env);
  const degraded = (await readWatchHealth(home)).some((h) => h.dispatchDir === dispatchDir && h.degraded);
  if (!degraded || (await runningDaemon(home)) === null) return [];
  return [
    'note: the daemon cannot watch this workspace (out of inotify watches?): it sees changes by scanning every 5 s; see dispatch doctor',
  ];
}

/** Why each queued task of this workspace waits (a dependency, a slot and its place in line), as the daemon says. */
async function queueReasons(env: NodeJS.ProcessEnv, dispatchDir: string): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  for (const q of await readQueue(dispatchHome(env))) {
    if (q.dispatchDir === dispatchDir)
      reasons.set(q.id, q.place === undefined ? q.reason : `${q.reason} (#${q.place} in line)`);
  }
  return reasons;
}

/** One frame: the JSON (one object for `status ID`), the detail view of one task, or the table. */
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
  // Loaded past --json: the terminal views (string-width's emoji tables) are not what a script pays for.
  const [{ renderTaskDetail }, { layoutStatus }, { buildStatusTable }] = await Promise.all([
    import('../view/status-detail.js'),
    import('../view/status-screen.js'),
    import('../view/status-table.js'),
  ]);
  const now = Date.now();
  const style = createStyle(io.outColor);
  const queued = views.some((v) => v.state === 'queued') ? await queueReasons(io.env, dispatchDir) : new Map();
  const needsYou = new Map(tasks.map((t) => [t.task.id, needsYouOf(t, { now, queued: queued.get(t.task.id) })]));
  if (single) {
    const [task, status] = [tasks[0]!, views[0]!];
    return renderTaskDetail(
      {
        status,
        needsYou: needsYou.get(task.task.id) ?? null,
        attempts: attemptsOf(task),
        worktree: readTaskWorktree(task.paths),
      },
      { style, now, columns: io.outColumns },
    );
  }
  // A cluster job's state (PENDING with Slurm's reason, the node it runs on) beside what the worker does.
  const activity = new Map(
    views.map((v) => [
      v.id,
      [v.activity, v.executor && holdsSlot(v.state) ? describeExecutor(v.executor) : null]
        .filter(Boolean)
        .join(' · ') || null,
    ]),
  );
  const table = buildStatusTable(views, { style, now, columns: io.outColumns, activity, needsYou });
  const failures = await failureReport(tasks, alternativesFor(io.env));
  // What waits for an answer on top (questions with the time left, blocks); failures below, by cause.
  const needs = renderInbox((await inboxOf(tasks, async () => [], now)).filter((e) => e.type !== 'failed'));
  return layoutStatus(
    { needs, table, footers: [...failures.map(escapeControls), ...(await watchNote(io.env, dispatchDir))] },
    {
      columns: io.outColumns,
      rows: io.outRows,
      collapseFinished: io.outColumns !== undefined && ctx.options.all !== true,
    },
  );
}

/** Redraws on every change until Ctrl-C: on a terminal in place, piped as a new frame when it differs. */
async function watchFrames(ctx: CommandContext, dispatchDir: string, ids: string[], first: string): Promise<void> {
  const { io } = ctx;
  const tty = io.outColumns !== undefined && ctx.options.json !== true;
  let last = first;
  const frame = async () => render(ctx, dispatchDir, await deriveTasks(dispatchDir, ids), ids.length === 1);
  // Loaded only here: watching is not what a plain `status` should pay for at start-up.
  const { waitFor } = await import('@dispatch/runtime/watch');
  await watchScreen(io, tty, first, frame, (signal, draw) =>
    waitFor<true>(
      dispatchDir,
      async () => {
        const text = await frame();
        if (tty) draw(text);
        else if (text !== last) io.out(ctx.options.json === true ? text : `\n${text}`);
        last = text;
        return null;
      },
      { signal, intervalMs: 2000 },
    ),
  );
}

/** `dispatch status [ID] [--json] [--watch] [--all]`: every task of the workspace, or one in detail. */
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
