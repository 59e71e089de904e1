/**
 * Where each worker CLI dispatch knows comes from, by backend kind: what it is called and how to
 * install it. One table for `doctor`, `init` and the `cli-missing` message.
 */
export const CLI_INSTALL = {
  claude: { product: 'Claude Code', install: 'npm i -g @anthropic-ai/claude-code' },
  cursor: { product: "Cursor's agent", install: 'see https://cursor.com/cli' },
  codex: { product: 'Codex', install: 'npm i -g @openai/codex' },
  gemini: { product: 'Gemini CLI', install: 'npm i -g @google/gemini-cli' },
  opencode: { product: 'opencode', install: 'npm i -g opencode-ai' },
} as const;

/** How to install the CLI a backend kind runs, or the CLI an executable name is (`agent`: cursor's). */
export function installOf(cli: string): string | undefined {
  const kind = cli === 'agent' ? 'cursor' : cli;
  return (CLI_INSTALL as Record<string, { install: string }>)[kind]?.install;
}
