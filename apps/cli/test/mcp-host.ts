import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bin } from './built-binary.js';
import { e2eWorkspace, type E2eWorkspace } from './e2e-workspace.js';
import type { ScriptStep } from './fake-model-api/index.js';
import { untilAllFinished } from './real-clis.js';

// What a real CLI does as dispatch's MCP host, its model turns scripted by the fake model API.

const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

const RUN = {
  id: 'hosted',
  steps: ['Get ready', 'Which greeting?', 'Write it'],
  prompt: 'write a greeting',
  model: 'plain',
};
const WAIT = { ids: ['hosted'], timeout: 20 };
const ANSWER = { id: 'hosted', text: 'Hello from the host', question: 1 };
export const HOST_FINAL_TEXT = 'The task is done: it wrote the greeting.';
export const HOST_PROMPT = 'Run a greeting task with dispatch and answer its question.';

/**
 * The host model's turns, calling the tools by claude's MCP names (`mcp__<server>__<tool>`; the
 * fake finds codex's `mcp__dispatch` namespace under them too): run a task, wait for its question,
 * answer it, wait for it to complete, say so.
 */
export const HOST_SCRIPT: ScriptStep[] = [
  { tool: 'mcp__dispatch__run', input: RUN },
  { tool: 'mcp__dispatch__wait', input: WAIT, until: '"type":"question"' },
  { tool: 'mcp__dispatch__answer', input: ANSWER },
  { tool: 'mcp__dispatch__wait', input: WAIT, until: '"type":"completed"' },
  { text: HOST_FINAL_TEXT },
];

/** A workspace whose model `plain` is the plain shell worker (it asks items ending in "?"). */
export function hostWorkspace(name: string): E2eWorkspace {
  const ws = e2eWorkspace(name);
  writeFileSync(
    join(ws.home, 'config.yaml'),
    `default: plain\nbackends:\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  plain: { backend: shell }\n`,
  );
  return ws;
}

/** `dispatch mcp` in the workspace, as an MCP client's stdio server entry. */
export const dispatchMcpServer = (ws: E2eWorkspace) => ({ command: process.execPath, args: [bin, 'mcp'], env: ws.env });

/** One tool call of the host's conversation, by its MCP name, with its result's text. */
export interface HostCall {
  name: string;
  input: unknown;
  result: string;
}

/**
 * The hosted task completed with the host's answer in its plan, and the host's conversation (as
 * its last model request carried it) made the four calls in order — a wait repeated until its
 * condition came — each with dispatch's JSON as its result. Claude -p and codex exec both declare
 * elicitation but turn every request down (no user to ask), so the question comes back to the host.
 */
export async function expectHostedTaskCompleted(ws: E2eWorkspace, calls: HostCall[]): Promise<void> {
  const views = await untilAllFinished(ws, ['hosted'], 10_000);
  expect(views.hosted).toMatchObject({ state: 'completed', backend: 'shell', progress: { done: 3, total: 3 } });
  const plan = readFileSync(join(ws.dispatchDir, 'tasks', 'hosted', 'plan.md'), 'utf8');
  expect(plan).toContain('- [x] Which greeting? — answer: Hello from the host');

  const stages = calls.filter((c, i) => c.name !== calls[i + 1]?.name);
  expect(stages.map((c) => [c.name, c.input])).toEqual([
    ['mcp__dispatch__run', RUN],
    ['mcp__dispatch__wait', WAIT],
    ['mcp__dispatch__answer', ANSWER],
    ['mcp__dispatch__wait', WAIT],
  ]);
  const [run, asked, answered, done] = stages.map((c) => JSON.parse(c.result) as Record<string, unknown>);
  expect(run).toMatchObject({ id: 'hosted', model: 'plain', backend: 'shell' });
  expect(asked).toMatchObject({ type: 'question', id: 'hosted', seq: 1, text: 'Which greeting?' });
  expect(asked).not.toHaveProperty('answered');
  expect(answered).toMatchObject({ id: 'hosted', question: 1 });
  expect(done).toMatchObject({ type: 'completed', id: 'hosted', progress: { done: 3, total: 3 } });
}
