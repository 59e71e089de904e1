/** Claude's models: the CLI has no model list, so the stable family names the reference uses. */
export const CLAUDE_MODELS: readonly string[] = ['opus', 'sonnet', 'haiku'];

/**
 * OpenAI models for the Codex backend. Codex has no model list either, so this is a known set
 * (as the reference does), kept short: the user adds others with `dispatch config add-model`.
 */
export const CODEX_MODELS: readonly string[] = ['gpt-5', 'gpt-5-codex', 'gpt-5.3-codex', 'o3', 'o4-mini'];
