import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { readQuestion, writeAck, writeQuestion } from '@dispatch/ipc-fs';
import { ExitCode, usageError } from '../errors.js';
import { waitForAnswer } from '../tasks/wait-for-answer.js';

const DEFAULT_TIMEOUT_S = 180;

/** What `dispatch ask` was given. */
export interface AskInput {
  /** The question (empty with `wait`). */
  question: string;
  /** `--wait N`: resume waiting for question N. */
  wait?: unknown;
  /** `--timeout S`. */
  timeout?: unknown;
}

/** Where `ask` prints: the answer (or the pending question's number) on `out`, notes on `err`. */
export interface AskOutput {
  out(text: string): void;
  err(text: string): void;
}

/** A positive whole number from an option, or a usage error naming the option. */
function positiveInt(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw usageError(`${name}: a positive whole number, not ${JSON.stringify(String(value))}`, 'invalid-input');
  return n;
}

/** `--timeout`, else `$DISPATCH_ANSWER_TIMEOUT` (what the worker was started with), else 180 s. */
function timeoutSeconds(given: unknown): number {
  if (given === undefined || given === '') return DEFAULT_TIMEOUT_S;
  const n = Number(given);
  if (!Number.isFinite(n) || n < 0)
    throw usageError(`--timeout: a number of seconds, not ${JSON.stringify(String(given))}`, 'invalid-input');
  return n;
}

/** The worker's `ipc/` folder, from `$DISPATCH_IPC_DIR` (dispatch sets it for every worker). */
async function ipcDirOf(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = env.DISPATCH_IPC_DIR ?? '';
  if (dir === '')
    throw usageError('ask is for workers: $DISPATCH_IPC_DIR is not set (dispatch sets it for the workers it starts)');
  const isDir =
    isAbsolute(dir) &&
    (await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (!isDir) throw usageError(`$DISPATCH_IPC_DIR is not a task's ipc folder: ${dir}`, 'invalid-input');
  return dir;
}

/**
 * `dispatch ask TEXT [--timeout S]` / `dispatch ask --wait N [--timeout S]`, for workers:
 * publishes the question (or resumes waiting for question N), prints the answer and
 * acknowledges it (`NNN.done`). When the timeout passes first, prints only the question's
 * number and returns 3, so a worker whose tool kills long commands can resume with `--wait N`;
 * the number is also said on stderr as soon as the question is out, for a wait that is killed.
 */
export async function askAsWorker(env: NodeJS.ProcessEnv, input: AskInput, io: AskOutput): Promise<number> {
  const text = input.question.trim();
  if (input.wait !== undefined && text !== '') throw usageError('give a question or --wait N, not both');
  if (input.wait === undefined && text === '')
    throw usageError('say the question: dispatch ask "QUESTION" (or --wait N to resume)');
  const timeout = timeoutSeconds(input.timeout ?? env.DISPATCH_ANSWER_TIMEOUT);
  const ipcDir = await ipcDirOf(env);
  let seq: number;
  if (input.wait === undefined) {
    seq = await writeQuestion(ipcDir, text);
    // Said at once: a worker whose tool kills this wait (Claude Code's Bash tool, at 2 minutes)
    // keeps what was printed so far, and learns how to resume.
    io.err(`asked question ${seq}; if this wait is cut short: dispatch ask --wait ${seq}\n`);
  } else {
    seq = positiveInt(input.wait, '--wait');
    if ((await readQuestion(ipcDir, seq)) === null)
      throw usageError(`there is no question ${seq} in ${ipcDir}`, 'invalid-input');
  }
  const answer = await waitForAnswer(ipcDir, seq, timeout * 1000);
  if (answer === null) {
    io.out(`${seq}\n`);
    io.err(`no answer to question ${seq} yet: wait again with dispatch ask --wait ${seq}\n`);
    return ExitCode.pending;
  }
  await writeAck(ipcDir, seq);
  io.out(`${answer}\n`);
  return ExitCode.ok;
}
