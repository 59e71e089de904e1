import { installOf } from '../cli-install.js';

/** How to log in to each known CLI, for auth messages. */
const LOGIN: Record<string, string> = {
  claude: 'run `claude` once to log in, or set ANTHROPIC_API_KEY',
  codex: 'run `codex login`, or set OPENAI_API_KEY',
  gemini: 'run `gemini` once to log in, or set GEMINI_API_KEY',
  opencode: 'run `opencode auth login`',
  cursor: 'run `agent login`, or set CURSOR_API_KEY',
  agent: 'run `agent login`, or set CURSOR_API_KEY',
};

/** The login advice for `cli`. */
export function loginHint(cli: string): string {
  return LOGIN[cli] ?? `log in to ${cli} or set its API key`;
}

/** The install advice for `cli`. */
export function installHint(cli: string): string {
  const how = installOf(cli);
  if (how === undefined) return 'install it or retry with another model';
  return `install it (${how.startsWith('npm ') ? `\`${how}\`` : how}) or retry with another model`;
}
