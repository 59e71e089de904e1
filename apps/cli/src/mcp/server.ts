import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { openDispatch, VERSION } from '@dispatch/runtime';
import { exitQuietlyOnEpipe, type Io } from '../io.js';
import { registerTaskResources } from './task-resources.js';
import { registerTools } from './tools.js';

const INSTRUCTIONS =
  'dispatch runs other AI coding agents (Claude Code, Codex, Gemini CLI, ...) in the background on checklist ' +
  'plans. Call `run`, then `wait` in a loop: relay each question to the user word for word and `answer` it; ' +
  'on `failed`, offer the listed alternatives with `retry`; on `completed`, read `result`. A task waiting for ' +
  'its quota to reset starts again by itself.';

/**
 * `dispatch mcp`: the Model Context Protocol on stdio, a thin face of the embedding API (the
 * same tasks, files and daemon as the CLI's). Stdout carries the protocol and nothing else; the
 * server ends when its client closes stdin.
 */
export async function serveMcp(io: Io): Promise<void> {
  const dispatch = await openDispatch({ cwd: io.cwd, env: io.env, bin: io.bin });
  const server = new McpServer({ name: 'dispatch', version: VERSION }, { instructions: INSTRUCTIONS });
  registerTools(server, dispatch);
  const resources = registerTaskResources(server, dispatch);
  exitQuietlyOnEpipe(process.stdout);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  resources.close();
  await dispatch.close();
  await server.close().catch(() => undefined);
}
