// ESC [ … letter: the colour codes opencode prints even into a log file.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** The output's non-blank lines, colour codes and carriage returns removed, last line last. */
export function outputLines(output: string): string[] {
  return output
    .replace(ANSI, '')
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** A line cut to one readable line of at most `max` characters, without the CLI's `ERROR:` prefix. */
export function shortLine(line: string, max = 200): string {
  const text = line
    .replace(/^(?:ERROR|Error|error):\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Parses a line that is a JSON object, else null (a worker's plain lines are not). */
export function jsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
