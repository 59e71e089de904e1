import { readFile } from 'node:fs/promises';
import { isErrno } from '@dispatch/ipc-fs/errors';
import { toTaskView, type TaskView } from '@dispatch/ipc-fs/task-view';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { deriveTask, ensureDaemonIfUnfinished } from '../view/task-list.js';
import { describeUsage, workerReport } from '../view/worker-output.js';
import { workspaceOf } from '../workspace.js';

const BOX = { pending: ' ', done: 'x', blocked: '?', error: '!' } as const;

/** A plan summary for a task without output.md: title, state, progress, then every item. */
export function summarizeTask(view: TaskView): string {
  const lines = [`${view.title} (${view.id}): ${view.state}, ${view.progress.done}/${view.progress.total} done`];
  if (view.error) lines.push(`error (${view.error.kind}): ${view.error.message}`);
  for (const item of view.items) {
    const note = item.note === null ? '' : item.mark === 'done' ? ` — ${item.note}` : `\n      ${item.note.replace(/\n/g, '\n      ')}`;
    lines.push(`  [${BOX[item.mark]}] ${item.text}${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `dispatch result ID [--json]`: output.md if the worker wrote one, else a summary of the plan. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { dispatchDir } = workspaceOf(io);
  const derived = await deriveTask(dispatchDir, String(ctx.args.id));
  await ensureDaemonIfUnfinished(io, [derived]);
  const view = toTaskView(derived);
  const path = derived.paths.output;
  const text = await readFile(path, 'utf8').catch((err: unknown) => (isErrno(err, 'ENOENT') ? null : Promise.reject(err)));
  const usage = (await workerReport(derived).catch(() => null))?.usage ?? null;
  if (ctx.options.json === true) {
    const { id, state, progress, items, error } = view;
    printJson(io, { id, state, progress, output: text === null ? null : path, text, items, error, usage });
  } else {
    io.out(text === null ? summarizeTask(view) : text.endsWith('\n') || text === '' ? text : `${text}\n`);
    if (usage) io.err(`${describeUsage(usage)}\n`);
  }
  return 0;
}
