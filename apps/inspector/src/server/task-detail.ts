import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { applyEvent, type LogEvent, replay, stateOf, type TaskEvent } from '@dispatch/core';
import {
  type DerivedTask,
  ipcFileName,
  listIpc,
  readAnswer,
  readQuestion,
  toMachineEvents,
  toTaskView,
} from '@dispatch/ipc-fs';
import { describeExecutor, executorStatus } from '@dispatch/runtime';
import type { TaskDetailResponse, ThreadEntry, TimelineEntry } from '../shared/api-types.js';
import { summaryOf } from './task-summary.js';

const LOG_TAIL_BYTES = 32 * 1024;

async function mtime(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => Math.floor(s.mtimeMs),
    () => null,
  );
}

/** The last `bytes` of worker.log (from a line start when cut), '' while there is none. */
export async function logTail(path: string, bytes = LOG_TAIL_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

/** Every question of `ipc/` with its answer, and when the worker gives up on a pending one. */
async function threadOf(derived: DerivedTask): Promise<ThreadEntry[]> {
  const { ipc } = derived.paths;
  const { context } = derived.snapshot;
  const listing = await listIpc(ipc);
  const entries: ThreadEntry[] = [];
  for (const seq of listing.questions) {
    const pending = context.questions.find((q) => q.seq === seq);
    const answer = listing.answers.has(seq) ? await readAnswer(ipc, seq) : null;
    const deadline =
      pending && answer === null
        ? context.questions[0] === pending && context.deadlines.answer !== null
          ? context.deadlines.answer
          : pending.askedAt + context.answerTimeoutMs
        : null;
    entries.push({
      seq,
      question: (await readQuestion(ipc, seq)) ?? '',
      askedAt: pending?.askedAt ?? (await mtime(join(ipc, ipcFileName(seq, 'question')))),
      answer,
      answeredAt: answer === null ? null : await mtime(join(ipc, ipcFileName(seq, 'answer'))),
      acknowledged: listing.acks.has(seq),
      deadline,
    });
  }
  return entries;
}

function factsOf(event: object): Record<string, unknown> {
  const { type: _t, at: _a, seq: _s, ...facts } = event as Record<string, unknown>;
  return facts;
}

/**
 * The timeline: each logged event replayed through the task machine with the state before and
 * after it, then the facts on disk the daemon has not logged yet (marked pending).
 */
export function timelineOf(derived: DerivedTask): TimelineEntry[] {
  const history: LogEvent[] = toMachineEvents(derived.logged);
  const seqs = derived.logged.map((e) => e.seq);
  if (history[0]?.type !== 'task.created') {
    const createdAt = Date.parse(derived.task.createdAt);
    history.unshift({
      type: 'task.created',
      at: createdAt,
      input: { id: derived.task.id, model: derived.task.model, createdAt },
    });
    seqs.unshift(-1);
  }
  let snapshot = replay(history.slice(0, 1));
  const entries: TimelineEntry[] = [];
  const push = (event: LogEvent, seq: number | null, pending: boolean) => {
    const from = stateOf(snapshot);
    if (event.type !== 'task.created') snapshot = applyEvent(snapshot, event);
    entries.push({
      seq,
      at: event.at,
      type: event.type,
      from: event.type === 'task.created' ? '' : from,
      to: stateOf(snapshot),
      pending,
      facts: factsOf(event),
    });
  };
  history.forEach((event, i) => push(event, seqs[i]! < 0 ? null : seqs[i]!, false));
  for (const event of derived.unrecorded) push(event as TaskEvent, null, true);
  return entries;
}

/** Everything the task page shows about one task. */
export async function taskDetail(
  derived: DerivedTask,
  ws: string,
  registered: boolean,
  models: TaskDetailResponse['models'],
): Promise<TaskDetailResponse> {
  const view = toTaskView(derived);
  const engine = await executorStatus(derived).catch(() => null);
  return {
    task: {
      ...summaryOf(derived, ws),
      backend: view.backend,
      attempt: view.attempt,
      prompt: derived.task.prompt,
      items: view.items,
      taskDir: view.taskDir,
      registered,
      executor: engine && { ...engine, line: describeExecutor(engine) },
    },
    notes: [...(derived.plan?.notes ?? [])],
    thread: await threadOf(derived),
    timeline: timelineOf(derived),
    logTail: await logTail(derived.paths.workerLog),
    models,
    now: Date.now(),
  };
}
