import { isTempName } from '../atomic-write.js';

/** A new task folder appeared (or was first seen at start). */
export interface TaskFact {
  readonly type: 'task';
  readonly taskId: string;
}

/**
 * plan.md changed (reported once per distinct version, not once per task). Carries no content:
 * the consumer re-reads plan.md itself.
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

/** `requests/<name>` (a `.json` file) exists. */
export interface RequestFact {
  readonly type: 'request';
  readonly taskId: string;
  readonly name: string;
}

/** Something observed under `<dispatchDir>/tasks/`; consumers read the files themselves. */
export type Fact = TaskFact | PlanFact | IpcFact | WorkerDoneFact | ExitFact | RequestFact;

/** The kinds of fact. */
export type FactType = Fact['type'];

const IPC_NAME = /^(\d{3,9})\.(question|answer|done)$/;
const EXIT_NAME = /^([1-9]\d{0,8})\.exit$/;
const IPC_KINDS = { question: 'question', answer: 'answer', done: 'ack' } as const;

/** Names a writer is still producing (temp files), which no fact may come from. */
export function isSkippedName(name: string): boolean {
  return isTempName(name) || name.endsWith('.tmp');
}

/**
 * Parses an `ipc/` file name. Only canonical numbers count (`001`, `1000`, never `0001` or
 * `000`), so one seq cannot be reported twice under two spellings.
 */
export function parseIpcName(name: string): { type: IpcFact['type']; seq: number } | { type: 'worker-done' } | undefined {
  if (name === '.done') return { type: 'worker-done' };
  const m = IPC_NAME.exec(name);
  if (!m) return undefined;
  const digits = m[1] as string;
  const seq = Number(digits);
  if (seq < 1 || String(seq).padStart(3, '0') !== digits) return undefined;
  return { type: IPC_KINDS[m[2] as keyof typeof IPC_KINDS], seq };
}

/** The attempt number of an `attempts/<n>.exit` name, else undefined. */
export function parseExitName(name: string): number | undefined {
  const m = EXIT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True for a `requests/` file name that is a request (not hidden, not a temp file). */
export function isRequestName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.') && !isSkippedName(name);
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
