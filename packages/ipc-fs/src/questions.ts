// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { publishExclusive, writeFileAtomic, type WriteOptions } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { isUnsafeFile, readDataFileSync } from './safe-read.js';

/**
 * `NNN.question`, `NNN.answer`, `NNN.done` with canonical numbers only, as `ipcFileName` writes
 * them: `001`–`999`, then `1000` and up without leading zeros (at most 9 digits). `0001` or `000`
 * never match, so one number cannot be seen under two spellings.
 */
export const IPC_NAME = /^(00[1-9]|0[1-9]\d|[1-9]\d{2,8})\.(question|answer|done)$/;

/**
 * Parses an `ipc/` file name by `IPC_NAME`; undefined for any other name (`.done` included).
 * @example parseIpcFileName('007.answer') // { seq: 7, kind: 'answer' }
 */
export function parseIpcFileName(name: string): { seq: number; kind: 'question' | 'answer' | 'done' } | undefined {
  const m = IPC_NAME.exec(name);
  return m ? { seq: Number(m[1]), kind: m[2] as 'question' | 'answer' | 'done' } : undefined;
}

/** The file name of question, answer or ack `seq` (`7` → `007.question`). */
export function ipcFileName(seq: number, kind: 'question' | 'answer' | 'done'): string {
  return `${String(seq).padStart(3, '0')}.${kind}`;
}

/** What one listing of `ipc/` shows. */
export interface IpcListing {
  questions: number[];
  answers: Set<number>;
  acks: Set<number>;
  /** `ipc/.done`: the worker says every item is done. */
  workerDone: boolean;
}

/** Lists `ipc/` (questions ascending); a missing folder lists as empty. */
export async function listIpc(ipcDir: string): Promise<IpcListing> {
  const listing: IpcListing = { questions: [], answers: new Set(), acks: new Set(), workerDone: false };
  let names: string[];
  try {
    names = readdirSync(ipcDir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return listing;
    throw err;
  }
  for (const name of names) {
    if (name === '.done') listing.workerDone = true;
    const parsed = parseIpcFileName(name);
    if (!parsed) continue;
    if (parsed.kind === 'question') listing.questions.push(parsed.seq);
    else if (parsed.kind === 'answer') listing.answers.add(parsed.seq);
    else listing.acks.add(parsed.seq);
  }
  listing.questions.sort((a, b) => a - b);
  return listing;
}

/** The number the next question gets: one more than the highest existing question. */
export async function nextQuestionSeq(ipcDir: string): Promise<number> {
  const { questions } = await listIpc(ipcDir);
  return (questions.at(-1) ?? 0) + 1;
}

/** Reads a text file of the protocol, dropping the one trailing newline the contract allows. */
async function readText(path: string): Promise<string | null> {
  try {
    const text = readDataFileSync(path);
    return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  } catch (err) {
    // Missing, or not a file to read (a symlink, a FIFO, a device): no question or answer there.
    if (isErrno(err, 'ENOENT') || isUnsafeFile(err)) return null;
    throw err;
  }
}

/** The text of question `seq`, or null if there is none. */
export function readQuestion(ipcDir: string, seq: number): Promise<string | null> {
  return readText(join(ipcDir, ipcFileName(seq, 'question')));
}

/** The text of the answer to question `seq`, or null while it is unanswered. */
export function readAnswer(ipcDir: string, seq: number): Promise<string | null> {
  return readText(join(ipcDir, ipcFileName(seq, 'answer')));
}

/**
 * Publishes a new question as the next number (what `dispatch ask` and workers do). Racing askers
 * each get their own number. Returns the number.
 * @example const seq = await writeQuestion(paths.ipc, 'JWT or sessions?') // 1
 */
export async function writeQuestion(ipcDir: string, text: string): Promise<number> {
  for (;;) {
    const seq = await nextQuestionSeq(ipcDir);
    try {
      await publishExclusive(join(ipcDir, ipcFileName(seq, 'question')), `${text}\n`);
      return seq;
    } catch (err) {
      if (!(err instanceof IpcError && err.code === 'already-exists')) throw err;
    }
  }
}

/**
 * Publishes the answer to question `seq`, exclusively: of racing answerers exactly one wins, the
 * others get `IpcError('answer-exists')`. Refuses an answer to a question that was never asked
 * (the dispatcher writes only answers to existing questions).
 * @example await writeAnswer(paths.ipc, 1, 'Focus on JWT')
 */
export async function writeAnswer(
  ipcDir: string,
  seq: number,
  text: string,
  options: Pick<WriteOptions, 'beforePublish'> = {},
): Promise<void> {
  const question = join(ipcDir, ipcFileName(seq, 'question'));
  try {
    await stat(question);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new IpcError('no-such-question', `there is no question ${seq} in ${ipcDir}`, { file: question });
    }
    throw err;
  }
  const answer = join(ipcDir, ipcFileName(seq, 'answer'));
  try {
    await publishExclusive(answer, text, options);
  } catch (err) {
    if (err instanceof IpcError && err.code === 'already-exists') {
      throw new IpcError('answer-exists', `question ${seq} is already answered (${answer})`, {
        file: answer,
        cause: err,
      });
    }
    throw err;
  }
}

/** The worker's acknowledgement that it has the answer to question `seq`. */
export async function writeAck(ipcDir: string, seq: number): Promise<void> {
  await writeFileAtomic(join(ipcDir, ipcFileName(seq, 'done')), '');
}

/** The worker's word that every item is done (`ipc/.done`). */
export async function markWorkerDone(ipcDir: string): Promise<void> {
  await writeFileAtomic(join(ipcDir, '.done'), '');
}

/** Questions without an answer, oldest first, with their text. */
export async function pendingQuestions(ipcDir: string): Promise<{ seq: number; text: string }[]> {
  const listing = await listIpc(ipcDir);
  const pending: { seq: number; text: string }[] = [];
  for (const seq of listing.questions) {
    if (listing.answers.has(seq)) continue;
    const text = await readQuestion(ipcDir, seq);
    if (text !== null) pending.push({ seq, text });
  }
  return pending;
}
