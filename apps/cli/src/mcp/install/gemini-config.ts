import { setJsonServerEntry } from './json-entry.js';
import type { PlannedEdit, ServerCommand } from './server-entry.js';

/**
 * Registers dispatch in a Gemini CLI settings file (`~/.gemini/settings.json`, or the project's
 * `.gemini/settings.json`): `mcpServers.dispatch = {command, args}`. Gemini strips comments
 * before parsing (but refuses trailing commas), so comments are kept, not refused.
 */
export function editGeminiConfig(text: string | null, file: string, server: ServerCommand): PlannedEdit {
  return setJsonServerEntry(text, file, {
    owned: { command: server.command, args: [...server.args] },
    conflicting: ['url', 'httpUrl', 'headers'],
    comments: true,
  });
}
