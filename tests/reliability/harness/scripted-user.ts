import { IpcError, listIpc, readQuestion, writeAnswer } from '@dispatch/ipc-fs';
import { sleep } from './wait-for.js';
import type { Workspace } from './workspace.js';

/** One answer the scripted user gave. */
export interface GivenAnswer {
  taskId: string;
  seq: number;
  text: string;
  /** When it was published (epoch ms). */
  at: number;
}

/** How the scripted user answers. */
export interface ScriptedUserOptions {
  /** `library`: `writeAnswer` from @dispatch/ipc-fs (default, cheap); `cli`: `dispatch answer ID TEXT`. */
  via?: 'library' | 'cli';
  /** The answer to give (default `answer <seq> of <id>`). */
  answerFor?: (taskId: string, seq: number, question: string) => string;
  /** The tasks to look at (default: every task in the workspace). */
  taskIds?: () => Promise<string[]> | string[];
  /** Pause between rounds of the loop (default 100 ms). */
  intervalMs?: number;
}

/** A scripted user answering in the background until stopped. */
export interface ScriptedUser {
  /** Every answer given so far, in order. */
  readonly answers: GivenAnswer[];
  /** Failures to answer (a second answer refused, a CLI error): a correct run has none. */
  readonly errors: string[];
  /** Stops after the current round. */
  stop(): Promise<void>;
}

const defaultAnswer = (taskId: string, seq: number) => `answer ${seq} of ${taskId}`;

/**
 * Answers every question pending now, once each (a question this user already answered is never
 * answered again, even if its answer file vanished). Returns the answers given this round.
 */
export async function answerPendingQuestions(
  ws: Workspace,
  options: ScriptedUserOptions = {},
  given = new Set<string>(),
  errors: string[] = [],
): Promise<GivenAnswer[]> {
  const answerFor = options.answerFor ?? defaultAnswer;
  const round: GivenAnswer[] = [];
  for (const taskId of await (options.taskIds?.() ?? ws.taskIds())) {
    const ipc = ws.paths(taskId).ipc;
    const listing = await listIpc(ipc);
    for (const seq of listing.questions) {
      const key = `${taskId}#${seq}`;
      if (listing.answers.has(seq) || given.has(key)) continue;
      const question = (await readQuestion(ipc, seq)) ?? '';
      const text = answerFor(taskId, seq, question);
      given.add(key);
      if (options.via === 'cli') {
        // `answer` takes the oldest pending question: with the oldest first, that is this one.
        const r = await ws.dispatch(['answer', taskId, text]);
        if (r.exitCode === 0) round.push({ taskId, seq, text, at: Date.now() });
        else errors.push(`dispatch answer ${taskId}: exit ${r.exitCode}: ${String(r.stderr)}`);
        break; // the listing is stale now: look again next round
      }
      try {
        await writeAnswer(ipc, seq, text);
        round.push({ taskId, seq, text, at: Date.now() });
      } catch (err) {
        errors.push(`${key}: ${err instanceof IpcError ? err.code : ''} ${(err as Error).message}`);
      }
    }
  }
  return round;
}

/**
 * Starts a scripted user: it looks at every task's `ipc/` every `intervalMs` and answers each new
 * question exactly once, until `stop()`.
 * @example const user = startScriptedUser(ws); ...; await user.stop(); user.answers.length // 1000
 */
export function startScriptedUser(ws: Workspace, options: ScriptedUserOptions = {}): ScriptedUser {
  const answers: GivenAnswer[] = [];
  const errors: string[] = [];
  const given = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        answers.push(...(await answerPendingQuestions(ws, options, given, errors)));
      } catch (err) {
        errors.push(`scripted user: ${(err as Error).message}`);
      }
      await sleep(options.intervalMs ?? 100);
    }
  })();
  return {
    answers,
    errors,
    async stop() {
      running = false;
      await loop;
    },
  };
}
