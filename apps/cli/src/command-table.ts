import type { CommandSpec, Example } from './command-spec.js';

/**
 * Every command this build has. Adding one is an entry here plus `commands/<name>.ts` exporting
 * `run(ctx)`; the literal `import()` lets esbuild split each command into its own chunk.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'help',
    summary: 'show the commands, or one command\'s arguments, options and examples',
    arguments: [{ syntax: '[command...]', description: 'the command (and subcommand) to explain' }],
    examples: [
      ['dispatch help', 'list every command'],
      ['dispatch help <command>', 'arguments, options and examples of one command'],
    ],
    load: () => import('./commands/help.js'),
  },
];

/** Examples shown under the root `--help`; list only commands this build has. */
export const ROOT_EXAMPLES: readonly Example[] = [
  ['dispatch help <command>', 'how to use one command'],
  ['dispatch --version', 'print the version'],
];
