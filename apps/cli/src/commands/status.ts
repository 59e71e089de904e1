import { toTaskView, type DerivedTask } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';
import { createStyle } from '../style.js';
import { renderStatusTable } from '../view/status-table.js';
import { deriveTasks, ensureDaemonIfUnfinished } from '../view/task-list.js';
import { workspaceOf } from '../workspace.js';

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/** One frame: the JSON array (one object for `status ID`), or the table. */
function render(ctx: CommandContext, dispatchDir: string, tasks: readonly DerivedTask[], single: boolean): string {
  const { io } = ctx;
  const views = tasks.map(toTaskView);
  if (ctx.options.json === true) return `${JSON.stringify(single ? views[0] : views)}\n`;
  if (views.length === 0) return `no tasks in ${dispatchDir}\n`;
  return renderStatusTable(views, { style: createStyle(io.outColor), now: Date.now(), columns: io.outColumns });
}

/** Redraws on every change until Ctrl-C: on a terminal in place, piped as a new frame when it differs. */
async function watchFrames(ctx: CommandContext, dispatchDir: string, ids: string[], first: string): Promise<void> {
  const { io } = ctx;
  const tty = io.outColumns !== undefined && ctx.options.json !== true;
  let last = first;
  // Loaded only here: watching (chokidar) is not what a plain `status` should pay for at start-up.
  const { untilInterrupted, waitFor } = await import('../view/watch-changes.js');
  // Ctrl-C is ours from before the first frame: a reader that saw it may stop us at once.
  await untilInterrupted((signal) => {
    io.out(tty ? CLEAR_SCREEN + first : first);
    return waitFor<true>(
      dispatchDir,
      async () => {
        const text = render(ctx, dispatchDir, await deriveTasks(dispatchDir, ids), ids.length === 1);
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
  const tasks = await deriveTasks(dispatchDir, ids, io);
  // A log from a newer dispatch still reads; say what was skipped, on stderr (never in --json).
  for (const warning of tasks.flatMap((t) => t.warnings)) io.err(`dispatch: warning: ${warning}\n`);
  await ensureDaemonIfUnfinished(io, tasks);
  const text = render(ctx, dispatchDir, tasks, ids.length === 1);
  if (ctx.options.watch === true) await watchFrames(ctx, dispatchDir, ids, text);
  else io.out(text);
  return 0;
}
