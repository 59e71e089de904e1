import { open, stat } from 'node:fs/promises';
import { type DerivedTask, isErrno } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';
import type { Io } from '../io.js';
import { createLogRenderer } from '../view/log-renderer.js';
import {
  deriveTask,
  describeExecutor,
  ensureDaemonIfUnfinished,
  executorStatus,
  isFinal,
  untilInterrupted,
  waitFor,
  workspaceOf,
} from '@dispatch/runtime';
import { escapeControls } from '../view/terminal-text.js';

/** Prints worker.log from byte `from` to its end through `write`; returns the new offset (a cut log restarts). */
async function printFrom(io: Io, write: (text: string) => void, path: string, from: number): Promise<number> {
  const size = await stat(path).then(
    (s) => s.size,
    (err: unknown) => (isErrno(err, 'ENOENT') ? 0 : Promise.reject(err)),
  );
  if (size < from) {
    // The daemon cut the log to its tail: go on from its new end rather than repeat the tail.
    io.out('[dispatch: worker.log was cut]\n');
    return size;
  }
  if (size === from) return from;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    write(buffer.subarray(0, bytesRead).toString('utf8'));
    return from + bytesRead;
  } finally {
    await handle.close();
  }
}

/** True once no more worker output can come: a final state, or needing the user with no worker. */
function quiet(derived: DerivedTask): boolean {
  return isFinal(derived.state) || (derived.snapshot.hasTag('needs-user') && !derived.snapshot.hasTag('worker'));
}

/**
 * `dispatch logs ID [-f] [--raw]`: the worker's output — a CLI's structured output (Claude Code's
 * stream-json, Codex's JSON events) shown as what it did, unless `--raw`; `-f` follows it until
 * the worker is done or Ctrl-C.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const raw = ctx.options.raw === true;
  const renderer = createLogRenderer(raw);
  // As the worker wrote it only with --raw: its escape sequences would otherwise reach the terminal.
  const shown = (text: string) => (raw ? text : escapeControls(text));
  const write = (text: string) => {
    const rendered = renderer.push(text);
    if (rendered !== '') io.out(shown(rendered));
  };
  const id = String(ctx.args.id);
  const { dispatchDir } = workspaceOf(io);
  const derived = await deriveTask(dispatchDir, id);
  await ensureDaemonIfUnfinished(io, [derived]);
  const path = derived.paths.workerLog;
  // Where the output comes from, for a worker a cluster runs (on stderr: stdout is the log itself).
  const engine = await executorStatus(derived).catch(() => null);
  if (engine) io.err(`attempt ${derived.snapshot.context.attempt}: ${describeExecutor(engine)}\n`);
  if (ctx.options.follow !== true) {
    if ((await printFrom(io, write, path, 0)) === 0) io.err(`no worker output yet (${path})\n`);
    io.out(shown(renderer.flush()));
    return 0;
  }
  // Ctrl-C is ours before the first byte is printed: a reader that saw it may stop us at once.
  await untilInterrupted(async (signal) => {
    let offset = await printFrom(io, write, path, 0);
    if (quiet(derived)) return;
    await waitFor(
      dispatchDir,
      async () => {
        const done = quiet(await deriveTask(dispatchDir, id));
        offset = await printFrom(io, write, path, offset);
        return done ? true : null;
      },
      { signal, include: (name) => name === 'worker.log' || name === 'events.jsonl' },
    );
    io.out(shown(renderer.flush()));
  });
  return 0;
}
