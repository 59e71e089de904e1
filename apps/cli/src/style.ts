/** Terminal styles; each returns its text unchanged when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/**
 * Whether a stream gets colour: only a TTY, never with NO_COLOR set to anything but the empty
 * string (no-color.org), never on a dumb terminal.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** Styles that emit ANSI SGR codes when `enabled`, plain text otherwise. */
export function createStyle(enabled: boolean): Style {
  // A hand-rolled helper: six SGR pairs do not justify a colour dependency, and node:util's
  // styleText differs across Node 20 minor versions.
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}
