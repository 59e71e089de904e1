import { existsSync } from 'node:fs';
import type { CommandContext } from '../command-spec.js';
import { alternativesFor, deriveTasks, ensureDaemonIfUnfinished, workspaceOf } from '@dispatch/runtime';
import { listRegistrations } from '@dispatch/ipc-fs';
import { printJson } from '../json-output.js';
import { inboxOf, renderInbox } from '../view/inbox.js';

/**
 * `dispatch inbox [--json]`: everything that needs the user — questions with the time left,
 * blocked tasks, failures with what to do — in this workspace first, then in every other
 * workspace with tasks of this user.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { home, dispatchDir } = workspaceOf(io);
  const others = [...new Set((await listRegistrations(home)).map((r) => r.dispatchDir))].filter(
    (d) => d !== dispatchDir && existsSync(d),
  );
  const entries = [];
  for (const dir of [dispatchDir, ...others]) {
    const tasks = await deriveTasks(dir, [], (line) => io.err(`dispatch: ${line}\n`)).catch(() => []);
    if (dir === dispatchDir) await ensureDaemonIfUnfinished(io, tasks);
    entries.push(...(await inboxOf(tasks, alternativesFor(io.env))));
  }
  if (ctx.options.json === true) {
    printJson(io, entries);
    return 0;
  }
  if (entries.length === 0) {
    io.out('nothing needs you\n');
    return 0;
  }
  const lines = renderInbox(entries);
  io.out(
    `${entries.map((e, i) => (e.dispatchDir === dispatchDir ? lines[i] : `${lines[i]}  [${e.dispatchDir}]`)).join('\n')}\n`,
  );
  return 0;
}
