/**
 * Which of the two bundles a command line needs. `core` holds the commands scripts, host agents and
 * workers call all day (run, status, wait, answer, ask, ...), small enough to start near node's own
 * start-up; `full` holds everything, with the inspector, the MCP server and the daemon. A command
 * the core bundle lacks is handed over to the full one anyway (launcher.ts), so this choice only
 * saves loading the core bundle first.
 */
export type BundleName = 'core' | 'full';

/** Commands whose modules the core bundle holds: the ones called all day. */
const CORE_COMMANDS = [
  'run',
  'status',
  'wait',
  'logs',
  'result',
  'answer',
  'continue',
  'note',
  'retry',
  'inbox',
  'cancel',
  'ask',
];

/** Commands whose modules only the full bundle holds (build.mjs leaves them out of core). */
export const FULL_BUNDLE_COMMANDS: ReadonlySet<string> = new Set([
  'doctor',
  'inspect',
  'clean',
  'completion',
  'help',
  'demo',
  'init',
  'diff',
  'merge',
  'discard',
  'skill',
  'mcp',
  'daemon',
  'config',
]);

/** Every top-level command of the table (pick-bundle.test.ts keeps this in step with COMMANDS). */
export const COMMAND_WORDS: readonly string[] = [...CORE_COMMANDS, ...FULL_BUNDLE_COMMANDS];

/** Where the command word of a command line is: after any `-C DIR` pairs. */
function wordIndex(argv: readonly string[]): number {
  let i = 0;
  while (argv[i] === '-C') i += 2;
  return i;
}

/** The command word of a command line, after any `-C DIR` pairs; undefined for a prompt or an option. */
export function commandWord(argv: readonly string[]): string | undefined {
  const word = argv[wordIndex(argv)];
  return word !== undefined && COMMAND_WORDS.includes(word) ? word : undefined;
}

export function bundleFor(argv: readonly string[]): BundleName {
  const word = commandWord(argv);
  return word !== undefined && FULL_BUNDLE_COMMANDS.has(word) ? 'full' : 'core';
}

/**
 * The name a command line's code cache is kept under: its command, from a fixed set. `status ID`
 * and `status` run different code (one task's view, the table of all): each keeps its own, or
 * whichever ran second would hold the other's bytecode. (status takes no option with a value.)
 */
export function cacheKeyFor(argv: readonly string[]): string {
  const word = commandWord(argv);
  if (word === 'status' && argv.slice(wordIndex(argv) + 1).some((arg) => !arg.startsWith('-'))) return 'status-task';
  return word ?? (argv.length === 0 || argv[0]!.startsWith('-') ? 'root' : 'run');
}
