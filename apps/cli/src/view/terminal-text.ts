/**
 * Control characters a task file may hold (a worker's output, a cloned repository's committed
 * task): C0 and C1 controls but newline and tab, DEL, and the bidirectional overrides that
 * reorder what a reader sees. Written raw to a terminal they clear lines, retitle the window or
 * write the clipboard (OSC 52).
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from task files as a terminal may show it: every control character written as a visible
 * escape (`\x1b`, `\u202e`), newlines and tabs kept. Human output goes through this; `--json`
 * and `--raw` give the text as it is.
 * @example escapeControls('\x1b]0;pwned\x07done') // '\\x1b]0;pwned\\x07done'
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
