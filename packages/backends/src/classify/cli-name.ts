/** The CLI a missing-command line names ("sh: 1: codex: not found", "env: ‘claude’: …"). */
export function missingCommandName(line: string): string | null {
  const m =
    /(?:^|:\s)([\w.@/+-]+): (?:command )?not found\s*$/i.exec(line) ??
    /^env: ['‘"]?([^'’":\s]+)['’"]?: No such file/i.exec(line) ??
    /spawn (\S+) ENOENT/.exec(line);
  return m ? m[1]! : null;
}
