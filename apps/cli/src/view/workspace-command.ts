import { basename, dirname } from 'node:path';

/** A word as the shell reads it: as is when plain, else in single quotes. */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * A `dispatch ...` command that works from any directory for the workspace `dispatchDir`: `dispatch
 * -C <project> ...` when it is a project's `.dispatch`, else with `DISPATCH_DIR` set: a workspace
 * put elsewhere has no project folder that finds it, and an exported DISPATCH_DIR wins over -C.
 */
export function commandFor(dispatchDir: string, command: string, env: NodeJS.ProcessEnv = {}): string {
  const rest = command.replace(/^dispatch /, '');
  if (basename(dispatchDir) === '.dispatch' && !env.DISPATCH_DIR)
    return `dispatch -C ${shellWord(dirname(dispatchDir))} ${rest}`;
  return `DISPATCH_DIR=${shellWord(dispatchDir)} dispatch ${rest}`;
}
