import { appendFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskPaths } from '@dispatch/ipc-fs';
import { startInspector, type Inspector } from '../src/server/http-server.js';
import { newToken } from '../src/server/request-guard.js';
import type { TaskListResponse } from '../src/shared/api-types.js';
import { fixtureTask, tempWorkspace } from '../src/testing/fixture-task.js';

let ws: Awaited<ReturnType<typeof tempWorkspace>>;
let inspector: Inspector;

beforeEach(async () => {
  ws = await tempWorkspace();
  for (const [id, state] of [
    ['ask-me', 'awaiting-answer'],
    ['stuck', 'blocked'],
    ['broke', 'failed'],
    ['later', 'queued'],
    ['dropped', 'awaiting-answer'],
  ] as const) {
    await fixtureTask(ws.dispatchDir, id, state);
  }
  // Cancelled while its question was pending: the question is stale, not something to answer.
  await appendFile(
    taskPaths(ws.dispatchDir, 'dropped').events,
    `${JSON.stringify({ seq: 6, at: new Date().toISOString(), type: 'cancel' })}\n`,
  );
  const ids = ['ask-me', 'stuck', 'broke', 'later', 'dropped'];
  inspector = await startInspector({
    dispatchDir: ws.dispatchDir,
    registrations: async () => ids.map((id) => ({ id, dispatchDir: ws.dispatchDir })),
    queue: async () => [
      { dispatchDir: ws.dispatchDir, id: 'later', reason: 'waiting for a free sim worker slot', place: 2 },
    ],
    uiDir: null,
    token: newToken(),
    port: 0,
    ensureDaemon: async () => {},
    models: async () => [],
  });
});

afterEach(async () => {
  await inspector.close();
  await ws.cleanup();
});

describe('the inspector shows the same "needs you" line as the CLI', () => {
  it('one line per task: kind, glyph, text, command; a cancelled task shows no question', async () => {
    const url = new URL(inspector.url);
    const res = await fetch(`${url.origin}/api/tasks`, {
      headers: { 'x-dispatch-token': url.searchParams.get('token')! },
    });
    const list = (await res.json()) as TaskListResponse;
    const lines = Object.fromEntries(list.workspaces[0]!.tasks.map((t) => [t.id, t.needsYou]));
    expect(lines['ask-me']).toMatchObject({
      kind: 'question',
      glyph: '?',
      seq: 1,
      text: 'Should unknown keys be a hard error or a warning?',
      command: 'dispatch answer ask-me "…"',
    });
    // The question itself, not "answer to continue"; `!` as in `dispatch status` and `inbox`.
    expect(lines.stuck).toMatchObject({
      kind: 'blocked',
      glyph: '!',
      text: 'CommonMark or GFM? No answer came in time.',
      command: 'dispatch answer stuck "…"',
    });
    expect(lines.broke).toMatchObject({ kind: 'failed', glyph: '✗', command: 'dispatch retry broke' });
    expect(lines.later).toMatchObject({
      kind: 'queued',
      glyph: '…',
      text: 'waiting for a free sim worker slot (#2 in line)',
    });
    expect(lines.dropped).toBeNull();
  });
});
