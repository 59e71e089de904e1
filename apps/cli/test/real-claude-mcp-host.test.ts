import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { bin } from './built-binary.js';
import { e2eWorkspace, type E2eWorkspace } from './e2e-workspace.js';
import type { ScriptStep } from './fake-model-api/index.js';
import { describeRealCli, REAL_CLI_TEST_TIMEOUT, untilAllFinished } from './real-clis.js';

const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

const RUN = {
  id: 'hosted',
  steps: ['Get ready', 'Which greeting?', 'Write it'],
  prompt: 'write a greeting',
  model: 'plain',
};
const WAIT = { ids: ['hosted'], timeout: 20 };
const ANSWER = { id: 'hosted', text: 'Hello from the host', question: 1 };
const FINAL_TEXT = 'The task is done: it wrote the greeting.';

/** The host model's turns: run a task, wait for its question, answer it, wait for it to complete, say so. */
const HOST_SCRIPT: ScriptStep[] = [
  { tool: 'mcp__dispatch__run', input: RUN },
  { tool: 'mcp__dispatch__wait', input: WAIT, until: '"type":"question"' },
  { tool: 'mcp__dispatch__answer', input: ANSWER },
  { tool: 'mcp__dispatch__wait', input: WAIT, until: '"type":"completed"' },
  { text: FINAL_TEXT },
];

/** `dispatch mcp` in the workspace, as an MCP config file for `claude --mcp-config`. */
function mcpConfigFile(ws: E2eWorkspace): string {
  const file = join(ws.home, 'mcp.json');
  const dispatch = { command: process.execPath, args: [bin, 'mcp'], env: ws.env };
  writeFileSync(file, JSON.stringify({ mcpServers: { dispatch } }));
  return file;
}

interface Block {
  type: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | { text?: string }[];
}

/** A Messages API conversation's tool calls in order, each with its result's text. */
function toolCallsIn(body: string): { name: string; input: unknown; result: string }[] {
  const messages = (JSON.parse(body) as { messages: { content: string | Block[] }[] }).messages;
  const blocks = messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content));
  const resultOf = (id: string | undefined) => {
    const content = blocks.find((b) => b.type === 'tool_result' && b.tool_use_id === id)?.content ?? '';
    return typeof content === 'string' ? content : content.map((c) => c.text ?? '').join('\n');
  };
  return blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ name: b.name ?? '', input: b.input, result: resultOf(b.id) }));
}

// The real Claude Code CLI as the HOST: `claude -p` with dispatch's MCP server, its model turns
// scripted by the fake Anthropic API on loopback, runs a task whose worker is a plain shell script.
describeRealCli('claude', (ctx) => {
  it(
    'claude -p as the host runs a task through `dispatch mcp`, waits for its question, answers it and sees it complete',
    async () => {
      const ws = e2eWorkspace('real-claude-mcp-host');
      writeFileSync(
        join(ws.home, 'config.yaml'),
        `default: plain\nbackends:\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  plain: { backend: shell }\n`,
      );
      const api = await ctx.startApi({ host: HOST_SCRIPT });
      const host = await execa(
        join(ctx.cli.dir!, 'claude'),
        [
          '-p',
          '--mcp-config',
          mcpConfigFile(ws),
          '--strict-mcp-config', // no user or project MCP servers besides dispatch
          '--allowedTools',
          'mcp__dispatch__*',
          '--output-format',
          'stream-json',
          '--verbose',
          'Run a greeting task with dispatch and answer its question.',
        ],
        {
          cwd: ws.dir,
          reject: false,
          extendEnv: false,
          stdin: 'ignore', // else claude -p waits 3 s for piped input
          timeout: 150_000,
          env: {
            PATH: [dirname(process.execPath), ws.env.PATH].join(':'),
            HOME: mkdtempSync(join(tmpdir(), 'dispatch-claude-host-user-')),
            IS_SANDBOX: '1',
            ANTHROPIC_API_KEY: 'sk-ant-dummy',
            ANTHROPIC_BASE_URL: api.url,
            CLAUDE_CODE_MAX_RETRIES: '0',
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
            // claude -p connects --mcp-config servers in the background by default, so its first
            // model turn could go out without dispatch's tools: wait for the server (up to 60 s).
            MCP_CONNECTION_NONBLOCKING: '0',
            MCP_CONNECT_TIMEOUT_MS: '60000',
            MCP_TIMEOUT: '60000',
          },
        },
      );
      expect(host.exitCode, host.stderr).toBe(0);
      const events = host.stdout.split('\n').filter(Boolean);
      const init = JSON.parse(events[0]!) as { mcp_servers: { name: string; status: string }[] };
      expect(init.mcp_servers).toEqual([{ name: 'dispatch', status: 'connected' }]);
      expect(JSON.parse(events.at(-1)!)).toMatchObject({ type: 'result', subtype: 'success', result: FINAL_TEXT });

      const views = await untilAllFinished(ws, ['hosted'], 10_000);
      expect(views.hosted).toMatchObject({ state: 'completed', backend: 'shell', progress: { done: 3, total: 3 } });
      const plan = readFileSync(join(ws.dispatchDir, 'tasks', 'hosted', 'plan.md'), 'utf8');
      expect(plan).toContain('- [x] Which greeting? — answer: Hello from the host');

      // The host's last model request holds the whole conversation: the four calls, in order (a
      // wait repeated until its condition came), each with dispatch's JSON as its result.
      const last = api.requests.findLast((r) => r.reply === `step ${HOST_SCRIPT.length - 1}`);
      const calls = toolCallsIn(last!.body);
      const stages = calls.filter((c, i) => c.name !== calls[i + 1]?.name);
      expect(stages.map((c) => [c.name, c.input])).toEqual([
        ['mcp__dispatch__run', RUN],
        ['mcp__dispatch__wait', WAIT],
        ['mcp__dispatch__answer', ANSWER],
        ['mcp__dispatch__wait', WAIT],
      ]);
      const [run, asked, answered, done] = stages.map((c) => JSON.parse(c.result) as Record<string, unknown>);
      expect(run).toMatchObject({ id: 'hosted', model: 'plain', backend: 'shell' });
      // claude -p declares elicitation but cancels every request (no user to ask), so the
      // question comes back for the host to answer.
      expect(asked).toMatchObject({ type: 'question', id: 'hosted', seq: 1, text: 'Which greeting?' });
      expect(asked).not.toHaveProperty('answered');
      expect(answered).toMatchObject({ id: 'hosted', question: 1 });
      expect(done).toMatchObject({ type: 'completed', id: 'hosted', progress: { done: 3, total: 3 } });
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
