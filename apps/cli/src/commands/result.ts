import { taskResult, describeUsage } from '@dispatch/runtime';
import type { TaskView } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { escapeControls } from '../view/terminal-text.js';

const BOX = { pending: ' ', done: 'x', blocked: '?', error: '!' } as const;

/** A plan summary for a task without output.md: title, state, progress, then every item. */
export function summarizeTask(view: TaskView): string {
  const lines = [`${view.title} (${view.id}): ${view.state}, ${view.progress.done}/${view.progress.total} done`];
  if (view.error) lines.push(`error (${view.error.kind}): ${view.error.message}`);
  for (const item of view.items) {
    const note =
      item.note === null
        ? ''
        : item.mark === 'done'
          ? ` — ${item.note}`
          : `\n      ${item.note.replace(/\n/g, '\n      ')}`;
    lines.push(`  [${BOX[item.mark]}] ${item.text}${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `dispatch result ID [--json]`: output.md if the worker wrote one, else a summary of the plan. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { result, view } = await taskResult(io, String(ctx.args.id));
  if (ctx.options.json === true) {
    printJson(io, result);
  } else {
    const { text } = result;
    const shown = text === null ? summarizeTask(view) : text.endsWith('\n') || text === '' ? text : `${text}\n`;
    io.out(ctx.options.raw === true ? shown : escapeControls(shown));
    if (result.usage) io.err(`${describeUsage(result.usage)}\n`);
  }
  return 0;
}
