import { createInterface } from 'node:readline/promises';
import { IpcError, writeAnswer } from '@dispatch/ipc-fs';
import { isLive, type TaskState } from '@dispatch/core';
import { alternativesFor, conditionOf, deriveTask, describeCondition, waitFor } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { createStyle } from '../style.js';
import { escapeControls } from '../view/terminal-text.js';

/** Asks the user one question; resolves with the answer, rejects when `signal` aborts it. */
export type AskUser = (question: { seq: number; text: string }, signal: AbortSignal) => Promise<string>;

/** Options of `followTask`: how questions are asked (default: on the terminal when stdin is one). */
export interface FollowOptions {
  ask?: AskUser;
}

/** Whether following ends (the task is at rest): exit 0 for completed, 1 for the others. */
const ends = (state: TaskState) => !isLive(state);

/** Asks on the terminal (prompt on stderr, so stdout stays the command's result). */
const askOnTerminal: AskUser = async (question, signal) => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // readline takes Ctrl-C for itself on a terminal; give it back its usual meaning (stop following).
  rl.on('SIGINT', () => {
    rl.close();
    process.kill(process.pid, 'SIGINT');
  });
  try {
    return await rl.question(`answer #${question.seq}> `, { signal });
  } finally {
    rl.close();
  }
};

/**
 * What `run --wait` calls: stays in the foreground until the task completes (0), or fails, blocks
 * or is cancelled (1), printing its state changes on stderr. Pending questions are asked on the
 * terminal and the answers published; without a terminal they are reported and the wait goes on
 * (answer them with `dispatch answer`).
 */
export async function followTask(
  ctx: CommandContext,
  dispatchDir: string,
  id: string,
  options: FollowOptions = {},
): Promise<number> {
  const { io } = ctx;
  const style = createStyle(io.errColor);
  const ask = options.ask ?? (io.interactive ? askOnTerminal : undefined);
  const say = (text: string) => io.err(`${text}\n`);
  let shown: TaskState | null = null;
  const reported = new Set<number>();
  let asking: { seq: number; controller: AbortController } | null = null;

  const askAndAnswer = (question: { seq: number; text: string }, ipcDir: string) => {
    const controller = new AbortController();
    asking = { seq: question.seq, controller };
    void (async () => {
      for (;;) {
        const answer = (await ask!(question, controller.signal)).trim();
        if (answer === '') continue;
        await writeAnswer(ipcDir, question.seq, answer);
        return say(style.dim(`answered #${question.seq}`));
      }
    })()
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        if (err instanceof IpcError && err.code === 'answer-exists')
          say(style.dim(`#${question.seq} was answered elsewhere`));
        else say(`dispatch: could not answer #${question.seq}: ${(err as Error).message}`);
      })
      .finally(() => {
        if (asking?.controller === controller) asking = null;
      });
  };

  const code = await waitFor(dispatchDir, async () => {
    const derived = await deriveTask(dispatchDir, id);
    const condition = await conditionOf(derived, alternativesFor(io.env));
    const pending = condition?.type === 'question' ? condition : null;
    if (asking !== null && pending?.seq !== asking.seq) asking.controller.abort(); // answered elsewhere
    if (derived.state !== shown) say(`${id}: ${style.bold(derived.state)}`);
    shown = derived.state;
    if (ends(derived.state)) {
      if (condition) say(escapeControls(describeCondition(condition)));
      return derived.state === 'completed' ? 0 : 1;
    }
    if (pending && !reported.has(pending.seq)) {
      reported.add(pending.seq);
      say(style.yellow(escapeControls(describeCondition(pending))));
      if (ask) askAndAnswer(pending, derived.paths.ipc);
      else say(style.dim(`answer with: dispatch answer ${id} "<answer>"`));
    }
    return null;
  });
  (asking as { controller: AbortController } | null)?.controller.abort();
  return code ?? 1;
}
