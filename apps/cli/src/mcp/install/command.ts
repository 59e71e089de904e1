import { homedir } from 'node:os';
import { findGitTop } from '@dispatch/ipc-fs';
import type { CommandContext } from '../../command-spec.js';
import { printJson } from '../../json-output.js';
import type { HostName } from './hosts.js';
import { type InstallResult, installMcpServer } from './install.js';
import { dispatchServerCommand } from './server-entry.js';

const HOST_FLAGS: readonly HostName[] = ['claude', 'codex', 'gemini'];

/**
 * `dispatch mcp install [--claude] [--codex] [--gemini] [--project] [--json]`: registers this
 * CLI's MCP server with the host agents. Exit 1 when no host could be registered.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io, options } = ctx;
  const results = await installMcpServer({
    hosts: HOST_FLAGS.filter((name) => options[name] === true),
    scope: options.project === true ? 'project' : 'user',
    server: dispatchServerCommand(process.execPath, io.bin),
    places: { home: io.env.HOME || homedir(), env: io.env, repo: findGitTop(io.cwd) ?? io.cwd },
  });
  if (options.json === true) printJson(io, results);
  else io.out(results.map(describe).join('\n') + '\n');
  return results.every((r) => r.action === 'skipped') ? 1 : 0;
}

/** One line for one host, saying what changed where. */
function describe(result: InstallResult): string {
  const who = `${result.host} (${result.scope})`;
  const note = result.note === undefined ? '' : ` — ${result.note}`;
  switch (result.action) {
    case 'added':
      return `${who}: added dispatch to ${result.file}${note}`;
    case 'updated':
      return `${who}: updated dispatch in ${result.file} (it started another command)${note}`;
    case 'unchanged':
      return `${who}: already registered in ${result.file}${note}`;
    case 'skipped':
      return `${result.host}: skipped, ${result.reason}`;
  }
}
