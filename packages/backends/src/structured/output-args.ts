/** Backends whose CLI prints structured output that dispatch reads (their kind is their name). */
export const STRUCTURED_BACKENDS: ReadonlySet<string> = new Set(['claude', 'codex', 'gemini']);

/**
 * The flags that make a worker CLI print structured output, which dispatch reads to show what the
 * worker is doing and what it cost: Claude Code's stream-json (`--verbose` is required with `-p`),
 * Codex `exec`'s JSONL events, Gemini CLI's stream-json (which also names its session, to resume).
 * None when the configured command already chose an output format, or for other CLIs.
 * @example structuredOutputArgs('claude', 'claude -p') // ['--output-format', 'stream-json', '--verbose']
 */
export function structuredOutputArgs(kind: string, command: string): string[] {
  const words = command.split(/\s+/);
  if (kind === 'claude' && !words.some((w) => w.startsWith('--output-format')))
    return ['--output-format', 'stream-json', '--verbose'];
  if (kind === 'codex' && words.includes('exec') && !words.includes('--json')) return ['--json'];
  if (kind === 'gemini' && !words.some((w) => w === '-o' || w.startsWith('--output-format')))
    return ['--output-format', 'stream-json'];
  return [];
}
