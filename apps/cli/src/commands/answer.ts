import { answerTask, usageError } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { readStdin } from '../task-access/read-stdin.js';

/** The answer: the words given, or stdin for `-` (or for no words when stdin is piped). */
async function answerText(ctx: CommandContext): Promise<string> {
  const words = (ctx.args.text as string[] | undefined) ?? [];
  const fromStdin = words.length === 1 && words[0] === '-';
  if (words.length === 0 && ctx.io.interactive)
    throw usageError('say the answer: dispatch answer ID "TEXT" (or - to read it from stdin)');
  // One trailing newline (echo's) is not part of the answer.
  return fromStdin || words.length === 0 ? (await readStdin()).replace(/\r?\n$/, '') : words.join(' ');
}

/** `--question N` as a number; a non-number is refused by the runtime with the value named. */
const questionOf = (value: unknown) => (value === undefined ? {} : { question: Number(value) });

/**
 * `dispatch answer ID [TEXT|-] [--question N] [--json]`: answers the task's oldest pending
 * question (a blocked task is continued with it); see the runtime's answerTask.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const answered = await answerTask(
    io,
    String(ctx.args.id ?? ''),
    await answerText(ctx),
    questionOf(ctx.options.question),
  );
  if (ctx.options.json === true) printJson(io, { id: answered.id, state: answered.state, question: answered.question });
  else
    io.out(
      answered.outcome === 'answered'
        ? `answered #${answered.question} of ${answered.id}\n`
        : `answered the blocked item of ${answered.id}; continuing\n`,
    );
}
