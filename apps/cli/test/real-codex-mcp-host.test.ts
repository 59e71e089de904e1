import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

const toml = (value: unknown) => JSON.stringify(value); // TOML's basic strings and arrays read as JSON's

/**
 * A CODEX_HOME whose config.toml points codex at the fake Responses API (no retries) and names
 * `dispatch mcp` in the workspace as its MCP server `dispatch`, with room for a slow start.
 */
function codexHome(ws: E2eWorkspace, apiUrl: string): string {
  const home = join(mkdtempSync(join(tmpdir(), 'dispatch-codex-host-user-')), '.codex');
  mkdirSync(home);
  const server = dispatchMcpServer(ws);
  const env = Object.entries(server.env).map(([k, v]) => `${k} = ${toml(v)}`);
  const config = [
    'model_provider = "fake"',
    '[model_providers.fake]',
    `name = "fake"\nbase_url = ${toml(`${apiUrl}/v1`)}\nenv_key = "OPENAI_API_KEY"\nwire_api = "responses"`,
    'request_max_retries = 0\nstream_max_retries = 0',
    '[mcp_servers.dispatch]',
    `command = ${toml(server.command)}\nargs = ${toml(server.args)}\nenv = { ${env.join(', ')} }`,
    'startup_timeout_sec = 60\ntool_timeout_sec = 120',
    '',
  ];
  writeFileSync(join(home, 'config.toml'), config.join('\n'));
  return home;
}

interface Item {
  type?: string;
  name?: string;
  namespace?: string;
  arguments?: string;
  call_id?: string;
  output?: string | { text?: string }[];
}

/**
 * A Responses API conversation's tool calls in order, by their MCP names (codex calls an MCP
 * tool by its own name in the namespace `mcp__<server>`), each with its result's text (codex puts
 * a "Wall time" part before the tool's content).
 */
function toolCallsIn(body: string): HostCall[] {
  const input = (JSON.parse(body) as { input: Item[] }).input;
  const resultOf = (id: string | undefined) => {
    const output = input.find((i) => i.type === 'function_call_output' && i.call_id === id)?.output ?? '';
    return typeof output === 'string' ? output : (output.at(-1)?.text ?? '');
  };
  return input
    .filter((i) => i.type === 'function_call')
    .map((i) => ({
      name: i.namespace ? `${i.namespace}__${i.name}` : (i.name ?? ''),
      input: JSON.parse(i.arguments ?? '{}') as unknown,
      result: resultOf(i.call_id),
    }));
}

// The real Codex CLI as the HOST: `codex exec` with dispatch's MCP server (config.toml
// [mcp_servers.dispatch]), its model turns scripted by the fake Responses API on loopback, runs a
// task whose worker is a plain shell script.
describeRealCli('codex', (ctx) => {
  it(
    'codex exec as the host runs a task through `dispatch mcp`, waits for its question, answers it and sees it complete',
    async () => {
      const ws = hostWorkspace('real-codex-mcp-host');
      const api = await ctx.startApi({ host: HOST_SCRIPT });
      const home = codexHome(ws, api.url);
      const host = await execa(
        join(ctx.cli.dir!, 'codex'),
        [
          'exec',
          '--json',
          '--skip-git-repo-check',
          '--dangerously-bypass-approvals-and-sandbox', // MCP tool calls need no approval
          '-m',
          'gpt-5.3-codex',
          HOST_PROMPT,
        ],
        {
          cwd: ws.dir,
          reject: false,
          extendEnv: false,
          stdin: 'ignore', // else codex exec waits for piped stdin to add to its prompt
          timeout: 150_000,
          env: {
            PATH: [dirname(process.execPath), ws.env.PATH].join(':'),
            HOME: dirname(home),
            CODEX_HOME: home,
            OPENAI_API_KEY: 'sk-dummy',
          },
        },
      );
      expect(host.exitCode, host.stderr).toBe(0);
      const events = host.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; item?: { type: string; server?: string; text?: string } });
      const toolCalls = events.filter((e) => e.type === 'item.completed' && e.item?.type === 'mcp_tool_call');
      expect(toolCalls.map((e) => e.item?.server)).toEqual(toolCalls.map(() => 'dispatch'));
      expect(events.findLast((e) => e.item?.type === 'agent_message')?.item?.text).toBe(HOST_FINAL_TEXT);

      const last = api.requests.findLast((r) => r.reply === `step ${HOST_SCRIPT.length - 1}`);
      await expectHostedTaskCompleted(ws, toolCallsIn(last!.body));
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
