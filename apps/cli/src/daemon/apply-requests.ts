import { appendNote, readRequests, removeRequest, writeAnswer, type PendingRequest } from '@dispatch/ipc-fs';
import type { TaskHost } from '../host/task-host.js';

/**
 * Applies the requests waiting in a task's `requests/`, oldest first, then removes each: the
 * daemon is the only one that acts on a task; the CLI and the inspector only ask. Each request is
 * recorded in the log. A malformed one is recorded as refused and removed.
 */
export async function applyRequests(host: TaskHost, now: () => number): Promise<void> {
  const dir = host.paths.requests;
  const { requests, errors } = await readRequests(dir);
  for (const err of errors) {
    await host.record({ type: 'request.refused', at: now(), message: err.message });
    if (err.file) await removeRequest(dir, err.file.slice(dir.length + 1));
  }
  for (const pending of requests) {
    await apply(host, pending, now);
    // Removed only once its effect is in the log: a crash in between re-applies it, harmlessly.
    await host.flush();
    await removeRequest(dir, pending.name);
  }
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
    case 'note':
      // The request's name makes the note idempotent: a crash and a re-run never add it twice.
      await appendNote(host.paths.plan, name.replace(/\.json$/, ''), request.text);
      await host.recordNote(name.replace(/\.json$/, ''), request.text, at);
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
      host.send({ type: 'continue', model: request.model ?? null, at });
    }
  }
}
