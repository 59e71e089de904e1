import { usageError } from '@dispatch/runtime';

/** What comes before the command name, like git's: `-C DIR` (repeatable, each relative to the last). */
export interface GlobalOptions {
  /** The directories to change into, in order. */
  directories: string[];
  /** The arguments left for routing: the command (or bare prompt) and what follows it. */
  rest: string[];
}

/**
 * Takes the global options off the front of `argv`: `dispatch -C ~/api status` runs `status` as if
 * started in ~/api. Only before the command name, so a prompt or a command's own arguments are
 * never read as one.
 */
export function takeGlobalOptions(argv: readonly string[]): GlobalOptions {
  const directories: string[] = [];
  let i = 0;
  while (argv[i] === '-C') {
    const dir = argv[i + 1];
    if (dir === undefined || dir === '') throw usageError('-C: name the directory to run in (dispatch -C DIR ...)');
    directories.push(dir);
    i += 2;
  }
  return { directories, rest: argv.slice(i) };
}
