import { request } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInspector, type Inspector } from '../src/server/http-server.js';
import { inspectorStatePath, readInspectorState, workspaceKey, writeInspectorState } from '@dispatch/ipc-fs';
import { newToken } from '../src/server/request-guard.js';
import type { TaskDetailResponse, TaskListResponse } from '../src/shared/api-types.js';
import { fixtureTask, tempWorkspace } from '../src/testing/fixture-task.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (fetch would not let a test set the Host header). */
function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let ws: Awaited<ReturnType<typeof tempWorkspace>>;
let inspector: Inspector;
let token: string;
let daemonStarts = 0;
const key = () => workspaceKey(ws.dispatchDir);
const auth = () => ({ 'x-dispatch-token': token });
const post = (path: string, body: unknown) =>
  call(inspector.port, path, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeEach(async () => {
  ws = await tempWorkspace();
  for (const [id, state] of [
    ['ask-me', 'awaiting-answer'],
    ['busy', 'running'],
    ['stuck', 'blocked'],
    ['broke', 'failed'],
    ['done-one', 'completed'],
    ['later', 'queued'],
  ] as const) {
    await fixtureTask(ws.dispatchDir, id, state);
  }
  token = newToken();
  daemonStarts = 0;
  const registered = ['ask-me', 'busy', 'stuck', 'broke', 'done-one', 'later'].map((id) => ({
    id,
    dispatchDir: ws.dispatchDir,
  }));
  inspector = await startInspector({
    dispatchDir: ws.dispatchDir,
    registrations: async () => registered,
    uiDir: null,
    token,
    port: 0,
    ensureDaemon: async () => void (daemonStarts += 1),
    models: async () => [
      { model: 'sim', backend: 'sim', isDefault: true },
      { model: 'sonnet', backend: 'claude', isDefault: false },
    ],
  });
});

afterEach(async () => {
  await inspector.close();
  await ws.cleanup();
});

describe('security', () => {
  it('listens on 127.0.0.1 and prints a URL with the token that answers 200 directly', async () => {
    expect(inspector.url).toBe(`http://127.0.0.1:${inspector.port}/?token=${token}`);
    expect((inspector.server.address() as { address: string }).address).toBe('127.0.0.1');
    const page = await call(inspector.port, `/?token=${token}`);
    expect(page.status).toBe(200);
    // No cookie: cookies ignore ports, so every service on 127.0.0.1 would receive it.
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('refuses every request without the right token', async () => {
    for (const path of ['/', '/api/tasks', '/api/chart', '/api/events', `/api/tasks/${key()}/ask-me`, '/nothing']) {
      expect((await call(inspector.port, path)).status).toBe(401);
      expect((await call(inspector.port, path, { headers: { 'x-dispatch-token': 'f'.repeat(64) } })).status).toBe(401);
    }
    expect((await call(inspector.port, `/?token=${token.slice(1)}`)).status).toBe(401);
    expect(
      (
        await call(inspector.port, '/api/tasks', {
          headers: { cookie: `dispatch_inspector_${inspector.port}=${'0'.repeat(64)}` },
        })
      ).status,
    ).toBe(401);
    const refused = await call(inspector.port, `/api/tasks/${key()}/ask-me/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    expect(await readdir(join(ws.dispatchDir, 'tasks', 'ask-me', 'requests'))).toEqual([]);
  });

  it('accepts the token as a query or a header, never as a cookie', async () => {
    expect((await call(inspector.port, `/api/tasks?token=${token}`)).status).toBe(200);
    expect((await call(inspector.port, '/api/tasks', { headers: auth() })).status).toBe(200);
    expect(
      (
        await call(inspector.port, '/api/tasks', {
          headers: { cookie: `a=b; dispatch_inspector_${inspector.port}=${token}` },
        })
      ).status,
    ).toBe(401);
  });

  it('refuses a Host header other than the names it holds (DNS rebinding)', async () => {
    for (const host of [
      'evil.example:80',
      `evil.example:${inspector.port}`,
      '127.0.0.1',
      `127.0.0.1:${inspector.port + 1}`,
      `0.0.0.0:${inspector.port}`,
    ]) {
      expect((await call(inspector.port, `/?token=${token}`, { headers: { host } })).status).toBe(403);
    }
    // `localhost` only while [::1] on the port is ours too (see the attack test in apps/cli).
    expect(
      (await call(inspector.port, `/?token=${token}`, { headers: { host: `localhost:${inspector.port}` } })).status,
    ).toBe(inspector.ipv6 ? 200 : 403);
  });

  it('never lets a path from the browser reach the file system outside task folders', async () => {
    for (const path of [
      `/api/tasks/${key()}/..%2F..%2Fetc`,
      `/api/tasks/${key()}/../../../etc/passwd`,
      `/api/tasks/${key()}/%2e%2e`,
      `/api/tasks/${key()}/ASK-ME`,
      `/api/tasks/0000000000000000/ask-me`,
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/../../package.json',
    ]) {
      const reply = await call(inspector.port, path, { headers: auth() });
      expect([400, 404]).toContain(reply.status);
      expect(reply.body).not.toContain('root:');
    }
  });

  it('refuses actions sent as a form (no JSON), so a page elsewhere cannot post one', async () => {
    const reply = await call(inspector.port, `/api/tasks/${key()}/busy/cancel`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(reply.status).toBe(415);
  });
});

describe('reading', () => {
  it('lists every task of the workspace in its state, what needs the user first', async () => {
    const list = JSON.parse((await call(inspector.port, '/api/tasks', { headers: auth() })).body) as TaskListResponse;
    expect(list.workspaces).toHaveLength(1);
    expect(list.workspaces[0]!.current).toBe(true);
    const tasks = list.workspaces[0]!.tasks;
    expect(Object.fromEntries(tasks.map((t) => [t.id, t.state]))).toEqual({
      'ask-me': 'awaiting-answer',
      busy: 'running',
      stuck: 'blocked',
      broke: 'failed',
      'done-one': 'completed',
      later: 'queued',
    });
    const firstThree = tasks
      .slice(0, 3)
      .map((t) => t.id)
      .sort();
    expect(firstThree).toEqual(['ask-me', 'broke', 'stuck']);
  });

  it('shows other registered workspaces after the current one', async () => {
    const other = await tempWorkspace();
    try {
      await fixtureTask(other.dispatchDir, 'elsewhere', 'running');
      await fixtureTask(other.dispatchDir, 'not-registered', 'running');
      await inspector.close();
      inspector = await startInspector({
        dispatchDir: ws.dispatchDir,
        registrations: async () => [
          { id: 'ask-me', dispatchDir: ws.dispatchDir },
          { id: 'elsewhere', dispatchDir: other.dispatchDir },
        ],
        uiDir: null,
        token,
        port: 0,
        ensureDaemon: async () => undefined,
        models: async () => [],
      });
      const list = JSON.parse((await call(inspector.port, '/api/tasks', { headers: auth() })).body) as TaskListResponse;
      expect(list.workspaces.map((w) => w.current)).toEqual([true, false]);
      expect(list.workspaces[1]!.tasks.map((t) => t.id)).toEqual(['elsewhere']);
    } finally {
      await other.cleanup();
    }
  });

  it('gives one task: plan, thread with the time left, timeline replayed through the machine, log tail', async () => {
    const detail = JSON.parse(
      (await call(inspector.port, `/api/tasks/${key()}/ask-me`, { headers: auth() })).body,
    ) as TaskDetailResponse;
    expect(detail.task.state).toBe('awaiting-answer');
    expect(detail.task.items.map((i) => i.mark)).toEqual(['done', 'done', 'pending', 'pending']);
    expect(detail.thread).toHaveLength(1);
    expect(detail.thread[0]!.answer).toBeNull();
    expect(detail.thread[0]!.deadline! - detail.now).toBeGreaterThan(500_000);
    expect(detail.timeline.map((e) => `${e.type}:${e.from}>${e.to}`)).toEqual([
      'task.created:>queued',
      'start:queued>starting',
      'worker.started:starting>running',
      'plan.changed:running>running',
      'question.asked:running>awaiting-answer',
    ]);
    expect(detail.logTail).toContain('[sim] working on the plan');
    expect(detail.models.map((m) => m.model)).toEqual(['sim', 'sonnet']);
  });

  it('sends the chart of the task machine as plain coordinates', async () => {
    const chart = JSON.parse((await call(inspector.port, '/api/chart', { headers: auth() })).body) as {
      nodes: { id: string }[];
      mermaid: string;
    };
    expect(chart.nodes.map((n) => n.id)).toContain('awaiting-answer');
    expect(chart.mermaid).toContain('stateDiagram-v2');
  });
});

describe('actions', () => {
  const requestsOf = async (id: string) => {
    const dir = join(ws.dispatchDir, 'tasks', id, 'requests');
    return Promise.all(
      (await readdir(dir)).map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as unknown),
    );
  };

  it('answer publishes ipc/NNN.answer, as dispatch answer does', async () => {
    const reply = await post(`/api/tasks/${key()}/ask-me/answer`, { text: 'a warning' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, message: 'answered #1 of ask-me' });
    expect(await readFile(join(ws.dispatchDir, 'tasks', 'ask-me', 'ipc', '001.answer'), 'utf8')).toBe('a warning');
    expect(daemonStarts).toBe(1);
    // The question is answered now: a second answer is refused with the CLI's words.
    const again = await post(`/api/tasks/${key()}/ask-me/answer`, { text: 'an error' });
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).message).toMatch(/question 1 of ask-me is already answered/);
  });

  it('answering a blocked task continues it with the answer', async () => {
    expect((await post(`/api/tasks/${key()}/stuck/answer`, { text: 'GFM' })).status).toBe(200);
    expect(await requestsOf('stuck')).toEqual([{ type: 'continue', answer: 'GFM' }]);
  });

  it('note, cancel, continue and retry write the request files the CLI writes', async () => {
    expect((await post(`/api/tasks/${key()}/busy/note`, { text: ' skip the slow tests ' })).status).toBe(200);
    expect(await requestsOf('busy')).toEqual([{ type: 'note', text: 'skip the slow tests' }]);
    expect((await post(`/api/tasks/${key()}/later/cancel`, {})).status).toBe(200);
    expect(await requestsOf('later')).toEqual([{ type: 'cancel' }]);
    expect((await post(`/api/tasks/${key()}/broke/retry`, { model: 'sonnet' })).status).toBe(200);
    expect(await requestsOf('broke')).toEqual([{ type: 'retry', model: 'sonnet' }]);
    expect((await post(`/api/tasks/${key()}/stuck/continue`, { text: 'GFM', model: 'sonnet' })).status).toBe(200);
    expect(await requestsOf('stuck')).toEqual([{ type: 'continue', answer: 'GFM', model: 'sonnet' }]);
    expect(daemonStarts).toBe(4);
  });

  it('retry repairs the config through the host first, as dispatch retry --set-default --remove-failed', async () => {
    await inspector.close();
    const repairs: unknown[] = [];
    inspector = await startInspector({
      dispatchDir: ws.dispatchDir,
      registrations: async () => [{ id: 'broke', dispatchDir: ws.dispatchDir }],
      uiDir: null,
      token,
      port: 0,
      ensureDaemon: async () => undefined,
      models: async () => [{ model: 'sonnet', backend: 'claude', isDefault: false }],
      repairConfig: async (repair, chosen, failed) => {
        repairs.push({ repair, chosen, failed });
        if (failed !== 'sim') throw new Error('unexpected');
        return `default is now ${chosen}, removed ${failed}`;
      },
    });
    const reply = await post(`/api/tasks/${key()}/broke/retry`, {
      model: 'sonnet',
      setDefault: true,
      removeFailed: true,
    });
    expect(JSON.parse(reply.body)).toEqual({
      ok: true,
      message: 'retrying broke with sonnet; config: default is now sonnet, removed sim',
    });
    expect(repairs).toEqual([{ repair: { setDefault: true, removeFailed: true }, chosen: 'sonnet', failed: 'sim' }]);
    expect(await requestsOf('broke')).toEqual([{ type: 'retry', model: 'sonnet' }]);
  });

  it('refuses what the CLI refuses, writing nothing', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['busy', 'retry', {}, /has not failed \(it is running\)/],
      ['done-one', 'cancel', {}, /already completed/],
      ['done-one', 'note', { text: 'x' }, /no worker would read the note/],
      ['busy', 'continue', { text: 'x' }, /is not blocked/],
      ['busy', 'answer', { text: 'x' }, /has no question to answer/],
      ['broke', 'retry', { model: 'gpt-9' }, /not in the config/],
      ['busy', 'note', { text: '   ' }, /empty/],
    ];
    for (const [id, action, body, message] of cases) {
      const reply = await post(`/api/tasks/${key()}/${id}/${action}`, body);
      expect(reply.status, `${action} ${id}`).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(reply.body).message).toMatch(message);
    }
    for (const id of ['busy', 'done-one', 'broke']) expect(await requestsOf(id)).toEqual([]);
    expect(daemonStarts).toBe(0);
  });

  it('refuses actions on a task folder dispatch did not create', async () => {
    await fixtureTask(ws.dispatchDir, 'copied-in', 'running');
    const reply = await post(`/api/tasks/${key()}/copied-in/cancel`, {});
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body).message).toMatch(/not registered/);
  });
});

describe('live', () => {
  it('pushes a change within 200 ms of the file change', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${inspector.port}/api/events`, {
      headers: auth(),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const read = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(decoder.decode(value));
      }
    })().catch(() => undefined);
    await waitUntil(() => events.join('').includes('event: hello'));
    // The fact source reports the folders it found at start; let those settle first.
    await new Promise((r) => setTimeout(r, 300));
    events.length = 0;
    const started = Date.now();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(ws.dispatchDir, 'tasks', 'busy', 'ipc', '001.question'), 'why?\n');
    await waitUntil(() => events.join('').includes('"id":"busy"'));
    const latency = Date.now() - started;
    controller.abort();
    await read;
    // Generous on a loaded machine; the benchmark measures it properly.
    expect(latency).toBeLessThan(2000);
  });
});

describe('persisted state', () => {
  it('keeps port, token and process in $DISPATCH_HOME/inspector.json, mode 0600', async () => {
    await writeInspectorState(ws.home, { port: 43123, token, pid: 4242, startTime: '99' });
    expect((await stat(inspectorStatePath(ws.home))).mode & 0o777).toBe(0o600);
    expect(await readInspectorState(ws.home)).toEqual({ port: 43123, token, pid: 4242, startTime: '99' });
  });
});

async function waitUntil(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
