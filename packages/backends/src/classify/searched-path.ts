/**
 * The line the daemon writes to worker.log before starting a worker whose CLI it cannot find, so
 * the `cli-missing` failure says where it looked (a PATH captured long ago explains a lot).
 * @example searchedPathNote('codex', '/usr/bin:/bin') // 'dispatch: codex not found on PATH=/usr/bin:/bin'
 */
export function searchedPathNote(name: string, path: string): string {
  return `dispatch: ${name} not found on PATH=${path}`;
}

const NOTE = /^dispatch: (\S+) not found on PATH=(.*)$/;

/** The PATH the daemon's note says `name` was looked for on, or null when there is none. */
export function searchedPathOf(lines: readonly string[], name: string): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = NOTE.exec(lines[i]!);
    if (m && (m[1] === name || m[1]!.endsWith(`/${name}`) || name.endsWith(`/${m[1]}`))) return m[2]!;
  }
  return null;
}
