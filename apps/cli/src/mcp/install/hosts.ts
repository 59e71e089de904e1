import { join } from 'node:path';
import { editClaudeConfig } from './claude-config.js';
import { editCodexConfig } from './codex-config.js';
import { editGeminiConfig } from './gemini-config.js';
import type { PlannedEdit, ServerCommand } from './server-entry.js';

/** A host agent CLI dispatch registers its MCP server with. */
export type HostName = 'claude' | 'codex' | 'gemini';

/** For the user (every project) or for one repository. */
export type Scope = 'user' | 'project';

/** Where a host's files are: the user's home and environment, and the repository for `--project`. */
export interface Places {
  home: string;
  env: NodeJS.ProcessEnv;
  repo: string;
}

/** One host: its executable, the config file of each scope, and how dispatch's entry is written there. */
export interface Host {
  name: HostName;
  executable: string;
  file(scope: Scope, places: Places): string;
  edit(text: string | null, file: string, server: ServerCommand): PlannedEdit;
  /** What a user should know about a project-scope entry of this host. */
  projectNote: string;
}

/** Every host, in the order they are reported. */
export const HOSTS: readonly Host[] = [
  {
    name: 'claude',
    executable: 'claude',
    // Claude Code keeps its user state, MCP servers included, in $CLAUDE_CONFIG_DIR/.claude.json when set.
    file: (scope, { home, env, repo }) =>
      scope === 'project' ? join(repo, '.mcp.json') : join(env.CLAUDE_CONFIG_DIR || home, '.claude.json'),
    edit: editClaudeConfig,
    projectNote: 'Claude Code asks once to approve servers from .mcp.json',
  },
  {
    name: 'codex',
    executable: 'codex',
    file: (scope, { home, env, repo }) =>
      scope === 'project'
        ? join(repo, '.codex', 'config.toml')
        : join(env.CODEX_HOME || join(home, '.codex'), 'config.toml'),
    edit: editCodexConfig,
    projectNote: 'Codex reads a project config only in a project you trust',
  },
  {
    name: 'gemini',
    executable: 'gemini',
    file: (scope, { home, env, repo }) =>
      scope === 'project'
        ? join(repo, '.gemini', 'settings.json')
        : join(env.GEMINI_CLI_HOME || home, '.gemini', 'settings.json'),
    edit: editGeminiConfig,
    projectNote: 'Gemini CLI reads it when started in this folder, if the folder is trusted',
  },
];
