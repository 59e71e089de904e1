/**
 * Every top-level command the CLI contract (DESIGN.md) names, whether or not this build has it yet:
 * a near miss of any of them is refused, and a missing one says so instead of becoming a prompt.
 */
export const CONTRACT_COMMANDS: readonly string[] = [
  'run',
  'status',
  'answer',
  'continue',
  'note',
  'retry',
  'cancel',
  'result',
  'logs',
  'wait',
  'ask',
  'inbox',
  'diff',
  'merge',
  'discard',
  'config',
  'init',
  'doctor',
  'inspect',
  'daemon',
  'clean',
  'help',
  'mcp',
];

/**
 * Commands beyond the contract: `demo` runs one whole task with the simulated worker; `skill`
 * installs the host-agent skill; `completion` prints a shell's completion script.
 */
export const EXTRA_COMMANDS: readonly string[] = ['demo', 'skill', 'completion'];
