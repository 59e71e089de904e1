import {
  appendNote,
  appendNotes,
  type PendingRequest,
  readRequests,
  removeRequest,
  writeAnswer,
} from '@dispatch/ipc-fs';
import type { TaskHost } from '../host/task-host.js';

/**
 * Applies the requests waiting in a task's `requests/`, oldest first, then removes each: the
 * daemon is the only one that acts on a task; the CLI and the inspector only ask. Each request is
 * recorded in the log. A malformed one is recorded as refused and removed.
 */
export function applyRequests(host: TaskHost, now: () => number): Promise<void> {
  // One pass at a time per task: two facts arriving together must not apply one request twice.
  const run = (running.get(host) ?? Promise.resolve()).then(() => applyPending(host, now));
  running.set(
    host,
    run.catch(() => undefined),
  );
  return run;
}

const running = new WeakMap<TaskHost, Promise<unknown>>();

async function applyPending(host: TaskHost, now: () => number): Promise<void> {
  const dir = host.paths.requests;
  const { requests, errors } = await readRequests(dir);
  for (const err of errors) {
    await host.record({ type: 'request.refused', at: now(), message: err.message });
    if (err.file) await removeRequest(dir, err.file.slice(dir.length + 1));
  }
  for (let i = 0; i < requests.length; ) {
    // A run of notes goes in with one write: a burst must not queue behind a busy worker's edits.
    let end = i;
    while (requests[end]?.request.type === 'note') end++;
    const batch = end > i ? requests.slice(i, end) : requests.slice(i, i + 1);
    if (end > i) await applyNotes(host, batch, now);
    else await apply(host, batch[0]!, now);
    // Removed only once their effect is in the log: a crash in between re-applies them, harmlessly.
    await host.flush();
    for (const pending of batch) await removeRequest(dir, pending.name);
    i += batch.length;
  }
}

/** Appends consecutive note requests to the plan in one write, then logs each. */
async function applyNotes(host: TaskHost, batch: readonly PendingRequest[], now: () => number): Promise<void> {
  const at = now();
  // The request's name makes the note idempotent: a crash and a re-run never add it twice.
  const notes = batch.map(({ name, request }) => ({
    id: name.replace(/\.json$/, ''),
    text: request.type === 'note' ? request.text : '',
  }));
  await appendNotes(host.paths.plan, notes);
  for (const note of notes) await host.recordNote(note.id, note.text, at);
}

async function apply(host: TaskHost, { name, request }: PendingRequest, now: () => number): Promise<void> {
  const at = now();
  switch (request.type) {
    case 'cancel':
      host.send({ type: 'cancel', at });
      return;
    case 'retry':
      host.send({ type: 'retry', model: request.model ?? null, at });
      return;
    case 'note': // applied in runs by applyNotes
      return;
    case 'continue': {
      const pending = host.snapshot.context.questions[0];
      // With another model, the answer goes in a note instead: publishing it would start the
      // next worker by itself (the late-answer edge) with the old model, racing this continue.
      if (request.answer !== undefined && pending && request.model === undefined) {
        // Publishing the answer continues a blocked task by itself (the late-answer edge).
        await writeAnswer(host.paths.ipc, pending.seq, request.answer).catch(() => undefined);
        return;
      }
      if (request.answer !== undefined) {
        const text = `Answer for the blocked item: ${request.answer}`;
        await appendNote(host.paths.plan, name.replace(/\.json$/, ''), text);
        await host.recordNote(name.replace(/\.json$/, ''), text, at);
      }
      host.send({
        type: 'continue',
        model: request.model ?? null,
        ...(request.timeLimit !== undefined && { timeLimitMs: request.timeLimit * 1000 }),
        ...(request.budgetUsd !== undefined && { budgetUsd: request.budgetUsd }),
        at,
      });
    }
  }
}
