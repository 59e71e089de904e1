import { existsSync } from 'node:fs';
import type { CommandContext } from '../command-spec.js';
import { alternativesFor, deriveTasks, ensureDaemonIfUnfinished, workspaceOf } from '@dispatch/runtime';
import { listRegistrations } from '@dispatch/ipc-fs';
import type { Io } from '../io.js';
import { printJson } from '../json-output.js';
import { inboxOf, renderInbox, type InboxEntry } from '../view/inbox.js';
import { commandFor } from '../view/workspace-command.js';

/**
 * Everything that needs the user, in this workspace first, then in every other workspace with
 * tasks of this user — whose commands say which workspace (`dispatch -C <project> answer ...`), so
 * they work from here.
 */
export async function inboxEntries(io: Io): Promise<InboxEntry[]> {
  const { home, dispatchDir } = workspaceOf(io);
  const others = [...new Set((await listRegistrations(home)).map((r) => r.dispatchDir))].filter(
    (d) => d !== dispatchDir && existsSync(d),
  );
  const entries = [];
  for (const dir of [dispatchDir, ...others]) {
    const tasks = await deriveTasks(dir, [], (line) => io.err(`dispatch: ${line}\n`)).catch(() => []);
    if (dir === dispatchDir) await ensureDaemonIfUnfinished(io, tasks);
    const found = await inboxOf(tasks, alternativesFor(io.env));
    entries.push(
      ...(dir === dispatchDir
        ? found
        : found.map((e): InboxEntry => (e.action === null ? e : { ...e, action: commandFor(dir, e.action, io.env) }))),
    );
  }
  return entries;
}

/** The inbox as lines for the terminal, one an entry. */
export const inboxLines = (entries: readonly InboxEntry[]): string => `${renderInbox(entries).join('\n')}\n`;

/**
 * `dispatch inbox [--json]`: everything that needs the user — questions with the time left,
 * blocked tasks, failures with what to do — in this workspace first, then in every other
 * workspace with tasks of this user.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const entries = await inboxEntries(io);
  if (ctx.options.json === true) printJson(io, entries);
  else io.out(entries.length === 0 ? 'nothing needs you\n' : inboxLines(entries));
  return 0;
}
