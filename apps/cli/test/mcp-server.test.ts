import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, type E2eWorkspace, loggedState, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;
const clients: Client[] = [];
afterAll(() => Promise.all(clients.map((c) => c.close())));

/** The official SDK's client, talking to `dispatch mcp` over stdio in the workspace. */
async function connect(
  w: E2eWorkspace,
  capabilities: ConstructorParameters<typeof Client>[1] = {},
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp'],
    cwd: w.dir,
    env: w.env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'dispatch-test-host', version: '1.0.0' }, capabilities);
  await client.connect(transport);
  clients.push(client);
  return { client, stderr: () => stderr };
}

type ToolResult = { content: { type: string; text: string }[]; isError?: boolean };

/** Calls a tool; its one text block parsed as JSON (or the error's line, with isError). */
async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  expect(result.content).toHaveLength(1);
  const text = result.content[0]!.text;
  return result.isError ? { error: text } : { value: JSON.parse(text) as Record<string, unknown> };
}

describe('dispatch mcp, with the official SDK client over stdio', () => {
  it('lists its tools; runs a reference-protocol worker, waits for its question, answers it, waits for its completion; status is status --json', async () => {
    const w = e2eWorkspace('mcp-server');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: plain\nbackends:\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  plain: { backend: shell }\n`,
    );
    const { client, stderr } = await connect(w);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['answer', 'cancel', 'continue', 'note', 'result', 'retry', 'run', 'status', 'wait'].sort(),
    );
    const run = tools.find((t) => t.name === 'run')!;
    expect(run.inputSchema.required ?? []).toEqual([]);
    expect(run.description).toMatch(/Example: \{/);

    const started = await call(client, 'run', {
      id: 'greet',
      steps: ['Get ready', 'Which greeting?', 'Write it'],
      prompt: 'write a greeting',
    });
    expect(started.value).toMatchObject({ id: 'greet', model: 'plain', backend: 'shell', state: 'queued' });

    const asked = await call(client, 'wait', { ids: ['greet'], timeout: 30 });
    expect(asked.value).toMatchObject({ type: 'question', id: 'greet', seq: 1, text: 'Which greeting?' });
    const answered = await call(client, 'answer', { id: 'greet', text: 'Hello', question: 1 });
    expect(answered.value).toMatchObject({ id: 'greet', question: 1 });
    const done = await call(client, 'wait', { ids: ['greet'], timeout: 30 });
    expect(done.value).toMatchObject({ type: 'completed', id: 'greet', progress: { done: 3, total: 3 } });

    // Until the daemon logs the exit it saw, a reader stamps it with the exit record's time; after, with
    // the time the daemon saw it. Compare the two faces once the log says it all.
    await until(async () => (await loggedState(join(w.dispatchDir, 'tasks/greet/events.jsonl'))) === 'completed');
    const status = await call(client, 'status', { id: 'greet' });
    const cli = JSON.parse((await w.dispatch(['status', 'greet', '--json'])).stdout) as Record<string, unknown>;
    expect(status.value).toEqual(cli);
    const all = await call(client, 'status');
    expect(all.value).toEqual(JSON.parse((await w.dispatch(['status', '--json'])).stdout));
    const result = await call(client, 'result', { id: 'greet' });
    expect(result.value).toMatchObject({ id: 'greet', state: 'completed' });
    // Nothing but protocol went to stdout (the SDK would have failed on it), nothing to stderr.
    expect(stderr()).toBe('');
  });

  it('a bad id, an unknown model and a malformed argument are tool errors with the CLI line, and the next call still works; wait times out as {"type":"timeout"}', async () => {
    const w = e2eWorkspace('mcp-errors');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: plain\nbackends:\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  plain: { backend: shell }\n`,
    );
    const { client } = await connect(w);
    expect(await call(client, 'status', { id: '../etc' })).toEqual({
      error: expect.stringMatching(/invalid task id/i),
    });
    expect(await call(client, 'status', { id: 'nope' })).toEqual({ error: expect.stringMatching(/no task nope/) });
    const unknown = await call(client, 'run', { prompt: 'x', model: 'no-such-model', steps: ['a'] });
    expect(unknown.error).toMatch(/no-such-model/);
    const malformed = (await client.callTool({ name: 'run', arguments: { steps: 'not a list' } })) as ToolResult;
    expect(malformed.isError).toBe(true);
    expect(malformed.content[0]!.text).toMatch(/steps/);
    const cli = await w.dispatch(['answer', 'nope', 'x']);
    expect(await call(client, 'answer', { id: 'nope', text: 'x' })).toEqual({
      error: cli.stderr.trim().replace(/^dispatch: /, ''),
    });
    // Still serving.
    const sim = await call(client, 'run', { prompt: 'one step', model: 'sim', steps: ['a {sleep: 30}'], id: 'slow' });
    expect(sim.value).toMatchObject({ id: 'slow' });
    expect(await call(client, 'wait', { ids: ['slow'], timeout: 1 })).toEqual({ value: { type: 'timeout' } });
    expect((await call(client, 'cancel', { id: 'slow' })).value).toMatchObject({ id: 'slow' });
  });

  it("where the host can elicit, wait puts a worker's question to its user and the answer reaches the worker; tasks are resources a host can subscribe to", async () => {
    const w = e2eWorkspace('mcp-elicit');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: plain\nbackends:\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  plain: { backend: shell }\n`,
    );
    const { client } = await connect(w, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { answer: 'Hi from the user' } };
    });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'dispatch://tasks/hello' });

    expect(
      (await call(client, 'run', { id: 'hello', steps: ['Which greeting?'], prompt: 'greet' })).value,
    ).toMatchObject({
      id: 'hello',
    });
    const elicited = await call(client, 'wait', { ids: ['hello'], timeout: 30 });
    expect(elicited.value).toMatchObject({ type: 'question', seq: 1, answered: { text: 'Hi from the user' } });
    expect(asked).toEqual(['Task hello asks (#1): Which greeting?']);
    const done = await call(client, 'wait', { ids: ['hello'], timeout: 30 });
    expect(done.value).toMatchObject({ type: 'completed', progress: { done: 1, total: 1 } });
    const read = await client.readResource({ uri: 'dispatch://tasks/hello' });
    const view = JSON.parse(String((read.contents[0] as { text: string }).text)) as { items: { note: string }[] };
    expect(view.items[0]!.note).toBe('answer: Hi from the user');
    // The subscription heard of it (at least its completion; the question may be answered before a look).
    await vi.waitUntil(() => updated.includes('dispatch://tasks/hello'), { timeout: 10_000 });
    const listed = await client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(['dispatch://tasks', 'dispatch://tasks/hello']),
    );
  });
});
