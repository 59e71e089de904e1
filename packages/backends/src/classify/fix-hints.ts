/** How to log in to each known CLI, for auth messages. */
const LOGIN: Record<string, string> = {
  claude: 'run `claude` once to log in, or set ANTHROPIC_API_KEY',
  codex: 'run `codex login`, or set OPENAI_API_KEY',
  gemini: 'run `gemini` once to log in, or set GEMINI_API_KEY',
  opencode: 'run `opencode auth login`',
  cursor: 'run `agent login`, or set CURSOR_API_KEY',
  agent: 'run `agent login`, or set CURSOR_API_KEY',
};

/** How to install each known CLI, for cli-missing messages. */
const INSTALL: Record<string, string> = {
  claude: 'npm i -g @anthropic-ai/claude-code',
  codex: 'npm i -g @openai/codex',
  gemini: 'npm i -g @google/gemini-cli',
  opencode: 'npm i -g opencode-ai',
};

/** The login advice for `cli`. */
export function loginHint(cli: string): string {
  return LOGIN[cli] ?? `log in to ${cli} or set its API key`;
}

/** The install advice for `cli`. */
export function installHint(cli: string): string {
  const how = INSTALL[cli];
  return how ? `install it (\`${how}\`) or retry with another model` : 'install it or retry with another model';
}
