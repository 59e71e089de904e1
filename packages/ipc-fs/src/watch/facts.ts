import { isTempName } from '../atomic-write.js';
import { parseIpcFileName } from '../questions.js';
import { isRequestName } from '../requests.js';

/** A new task folder appeared (or was first seen at start). */
export interface TaskFact {
  readonly type: 'task';
  readonly taskId: string;
}

/**
 * plan.md changed. Carries no content: the consumer re-reads plan.md itself, and should dedupe
 * by content, since the same version can be reported more than once (see `createFactSource`).
 */
export interface PlanFact {
  readonly type: 'plan';
  readonly taskId: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** `ipc/NNN.question`, `NNN.answer` or `NNN.done` (an `ack`) exists. */
export interface IpcFact {
  readonly type: 'question' | 'answer' | 'ack';
  readonly taskId: string;
  readonly seq: number;
}

/** `ipc/.done` exists: the worker says it finished every item. */
export interface WorkerDoneFact {
  readonly type: 'worker-done';
  readonly taskId: string;
}

/** `attempts/<attempt>.exit` exists: that worker attempt has ended. */
export interface ExitFact {
  readonly type: 'exit';
  readonly taskId: string;
  readonly attempt: number;
}

/** `requests/<name>` exists, a name as `writeRequest` makes it (`<13-digit ms>-<8 hex>.json`). */
export interface RequestFact {
  readonly type: 'request';
  readonly taskId: string;
  readonly name: string;
}

/** Something observed under `<dispatchDir>/tasks/`; consumers read the files themselves. */
export type Fact = TaskFact | PlanFact | IpcFact | WorkerDoneFact | ExitFact | RequestFact;

/** The kinds of fact. */
export type FactType = Fact['type'];

const EXIT_NAME = /^([1-9]\d{0,8})\.exit$/;
const IPC_KINDS = { question: 'question', answer: 'answer', done: 'ack' } as const;

/** Names a writer is still producing (temp files), which no fact may come from. */
export function isSkippedName(name: string): boolean {
  return isTempName(name) || name.endsWith('.tmp');
}

/** Parses an `ipc/` file name by the protocol's one rule (`parseIpcFileName`), plus `.done`. */
export function parseIpcName(
  name: string,
): { type: IpcFact['type']; seq: number } | { type: 'worker-done' } | undefined {
  if (name === '.done') return { type: 'worker-done' };
  const parsed = parseIpcFileName(name);
  return parsed && { type: IPC_KINDS[parsed.kind], seq: parsed.seq };
}

/** The attempt number of an `attempts/<n>.exit` name, else undefined. */
export function parseExitName(name: string): number | undefined {
  const m = EXIT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True when `name` in a task's `area` folder is a protocol file that facts come from. */
export function isProtocolName(area: 'ipc' | 'attempts' | 'requests', name: string): boolean {
  if (isSkippedName(name)) return false;
  if (area === 'ipc') return parseIpcName(name) !== undefined;
  if (area === 'attempts') return parseExitName(name) !== undefined;
  return isRequestName(name);
}

/** The dedupe key of a once-only fact within its task (plan facts are keyed by version instead). */
export function factKey(fact: Exclude<Fact, PlanFact>): string {
  switch (fact.type) {
    case 'task':
    case 'worker-done':
      return fact.type;
    case 'question':
    case 'answer':
    case 'ack':
      return `${fact.type}:${fact.seq}`;
    case 'exit':
      return `exit:${fact.attempt}`;
    case 'request':
      return `request:${fact.name}`;
  }
}
