import { JSON_OPTION, type CommandSpec, type Example } from './command-spec.js';

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
  {
    name: 'demo',
    summary: 'run one whole task for real with the simulated worker, in a fresh workspace',
    options: [
      JSON_OPTION,
      { flags: '--dir <path>', description: 'the workspace to use (default: a new temp folder)' },
      { flags: '--step <seconds>', description: 'how long the simulated worker spends per item (default 0.4)' },
      { flags: '--no-answer', description: 'leave the worker\'s question for you to answer by writing the answer file' },
    ],
    examples: [
      ['dispatch demo', 'watch a task go queued → running → awaiting-answer → completed'],
      ['dispatch demo --json', 'the outcome as one JSON line'],
    ],
    load: () => import('./commands/demo.js'),
  },
];

/** Examples shown under the root `--help`; list only commands this build has. */
export const ROOT_EXAMPLES: readonly Example[] = [
  ['dispatch demo', 'a whole task with the simulated worker, start to finish'],
  ['dispatch help <command>', 'how to use one command'],
  ['dispatch --version', 'print the version'],
];
