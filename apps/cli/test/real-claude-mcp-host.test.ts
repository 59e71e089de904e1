import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import type { E2eWorkspace } from './e2e-workspace.js';
import {
  dispatchMcpServer,
  expectHostedTaskCompleted,
  HOST_FINAL_TEXT,
  HOST_PROMPT,
  HOST_SCRIPT,
  type HostCall,
  hostWorkspace,
} from './mcp-host.js';
import { describeRealCli, REAL_CLI_TEST_TIMEOUT } from './real-clis.js';

/** `dispatch mcp` in the workspace, as an MCP config file for `claude --mcp-config`. */
function mcpConfigFile(ws: E2eWorkspace): string {
  const file = join(ws.home, 'mcp.json');
  writeFileSync(file, JSON.stringify({ mcpServers: { dispatch: dispatchMcpServer(ws) } }));
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
function toolCallsIn(body: string): HostCall[] {
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
      const ws = hostWorkspace('real-claude-mcp-host');
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
          HOST_PROMPT,
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
      expect(JSON.parse(events.at(-1)!)).toMatchObject({ type: 'result', subtype: 'success', result: HOST_FINAL_TEXT });

      const last = api.requests.findLast((r) => r.reply === `step ${HOST_SCRIPT.length - 1}`);
      await expectHostedTaskCompleted(ws, toolCallsIn(last!.body));
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
