import { setJsonServerEntry } from './json-entry.js';
import type { PlannedEdit, ServerCommand } from './server-entry.js';

/**
 * Registers dispatch in a Claude Code file: `~/.claude.json` (user scope) or `.mcp.json` (project
 * scope), both `{"mcpServers": {"dispatch": {"type": "stdio", "command", "args"}}}` — what
 * `claude mcp add --scope user|project` writes. Claude reads them as strict JSON: a comment is
 * an error there (Claude would set the whole file aside as corrupted).
 */
export function editClaudeConfig(text: string | null, file: string, server: ServerCommand): PlannedEdit {
  return setJsonServerEntry(text, file, {
    owned: { type: 'stdio', command: server.command, args: [...server.args] },
    conflicting: ['url', 'headers'],
    comments: false,
  });
}
