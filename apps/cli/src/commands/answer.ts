import { answerRefusal, answerTask } from '@dispatch/ipc-fs/answer-task';
import { IpcError } from '@dispatch/ipc-fs/errors';
import { crashPoint } from '../daemon/crash-points.js';
import { usageError } from '../cli-error.js';
import type { CommandContext } from '../command-spec.js';
import { loadHostedTask } from '../task-access/find-task.js';
import { readStdin } from '../task-access/read-stdin.js';
import { ensureDaemonFor } from '../workspace.js';

/** The answer: the words given, or stdin for `-` (or for no words when stdin is piped). */
async function answerText(ctx: CommandContext): Promise<string> {
  const words = (ctx.args.text as string[] | undefined) ?? [];
  const fromStdin = words.length === 1 && words[0] === '-';
  if (words.length === 0 && ctx.io.interactive) throw usageError('say the answer: dispatch answer ID "TEXT" (or - to read it from stdin)');
  // One trailing newline (echo's) is not part of the answer.
  const text = fromStdin || words.length === 0 ? (await readStdin()).replace(/\r?\n$/, '') : words.join(' ');
  if (text.trim() === '') throw usageError('the answer is empty', 'invalid-input');
  return text;
}

/**
 * `--question N`: the answer is meant for question N, so it must be the one waiting — not one
 * answered meanwhile by someone else, whose answer would then go to the next question.
 */
function expectPending(id: string, pending: number | undefined, wanted: unknown): void {
  const n = Number(wanted);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`--question: a question number, not ${JSON.stringify(String(wanted))}`, 'invalid-input');
  if (pending === n) return;
  const now = pending === undefined ? 'no question is waiting' : `question ${pending} is waiting`;
  throw usageError(`question ${n} of ${id} is not waiting for an answer (${now}): nothing was answered`, 'invalid-input');
}

/**
 * `dispatch answer ID [TEXT|-] [--question N]`: answers the task's oldest pending question by publishing
 * `ipc/NNN.answer` (exclusively: of two racing answerers one wins). A blocked task whose worker
 * gave up is continued by the answer: the daemon starts the next worker when it sees it, or, for
 * a `[?]` item with no question file, when it applies the `continue` request written here.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const { ref, derived } = await loadHostedTask(io, String(ctx.args.id ?? ''));
  const refusal = answerRefusal(derived);
  if (refusal !== null) throw usageError(refusal, 'invalid-input');
  if (ctx.options.question !== undefined) expectPending(ref.id, derived.snapshot.context.questions[0]?.seq, ctx.options.question);
  const text = await answerText(ctx);
  let outcome;
  try {
    outcome = await answerTask(derived, text, { beforePublish: () => crashPoint('before-answer-published') });
  } catch (err) {
    if (err instanceof IpcError && err.code === 'answer-exists') {
      throw usageError(`question ${derived.snapshot.context.questions[0]?.seq} of ${ref.id} is already answered`, 'invalid-input');
    }
    throw err;
  }
  await ensureDaemonFor(io);
  io.out(outcome.kind === 'answered' ? `answered #${outcome.seq} of ${ref.id}\n` : `answered the blocked item of ${ref.id}; continuing\n`);
}
