import { DispatchError } from '@dispatch/runtime';
import { CONTRACT_COMMANDS } from './command-names.js';
import type { CommandSpec } from './command-spec.js';
// The small module alone: the start-up path must not load the config reader (yaml).
import { nearestName as findNearMiss } from '@dispatch/config';

/** The command a bare prompt means: `dispatch <prompt...>` is `dispatch run <prompt...>`. */
export const DEFAULT_COMMAND = 'run';

const ROOT_OPTIONS = new Set(['-h', '--help', '-V', '--version']);

/**
 * Verbs other tools use for what a dispatch command does. A short bare prompt starting with one
 * (`dispatch ls`, `dispatch kill api-tests`) is a command typed from habit, not work for a worker
 * that runs with its permission prompts off: it is refused with the command meant (`run` stays
 * the explicit way to send it as a prompt). Longer prompts are prompts (`show me why the build
 * fails on arm64`).
 */
const COMMAND_LIKE: Readonly<Record<string, string>> = {
  ls: 'status',
  list: 'status',
  ps: 'status',
  top: 'status',
  show: 'status',
  view: 'status',
  info: 'status',
  get: 'status',
  describe: 'status',
  log: 'logs',
  tail: 'logs',
  follow: 'logs',
  attach: 'logs',
  watch: 'wait',
  kill: 'cancel',
  stop: 'cancel',
  abort: 'cancel',
  pause: 'cancel',
  rm: 'clean',
  remove: 'clean',
  delete: 'clean',
  prune: 'clean',
  restart: 'retry',
  rerun: 'retry',
  resume: 'continue',
  reply: 'answer',
  respond: 'answer',
  cat: 'result',
  output: 'result',
  open: 'inspect',
  ui: 'inspect',
};

/** At most this many words make a prompt that may be a command typed from habit. */
const COMMAND_LIKE_WORDS = 3;

/**
 * Rewrites the user's arguments before commander sees them: a known command or a root option stays
 * as is; a near miss of a command name (one word) is refused; anything else is a prompt for `run`.
 */
export function routeArgv(argv: readonly string[], specs: readonly CommandSpec[]): string[] {
  const registered = specs.map((spec) => spec.name);
  const first = argv[0];
  if (first === undefined || ROOT_OPTIONS.has(first) || registered.includes(first)) return [...argv];
  const isOption = first.startsWith('-') && first !== '--';
  if (!isOption) {
    if (CONTRACT_COMMANDS.includes(first)) throw notAvailable(first);
    if (argv.length === 1) {
      const near = findNearMiss(first, [...new Set([...registered, ...CONTRACT_COMMANDS])]);
      if (near !== undefined) throw didYouMean(first, near, `to send it as a prompt: dispatch run ${first}`);
    }
    const meant = commandMeant(argv);
    if (meant !== undefined && registered.includes(meant.command)) throw commandLike(argv, meant);
  }
  if (!registered.includes(DEFAULT_COMMAND)) {
    // Without `run`, a leading option is commander's to refuse (unknown option, exit 2).
    if (isOption) return [...argv];
    throw notAvailable(DEFAULT_COMMAND);
  }
  return [DEFAULT_COMMAND, ...argv];
}

/** The command a short, option-free prompt that starts with a habitual verb means, if it is one. */
function commandMeant(argv: readonly string[]): { command: string; rest: string[] } | undefined {
  if (argv.some((a) => a.startsWith('-'))) return undefined;
  const words = argv.join(' ').trim().split(/\s+/);
  if (words.length > COMMAND_LIKE_WORDS) return undefined;
  const verb = words[0]!.toLowerCase();
  const command = Object.hasOwn(COMMAND_LIKE, verb) ? COMMAND_LIKE[verb] : undefined;
  return command === undefined ? undefined : { command, rest: words.slice(1) };
}

function commandLike(argv: readonly string[], meant: { command: string; rest: string[] }): DispatchError {
  const verb = argv.join(' ').trim().split(/\s+/)[0]!;
  const suggestion = ['dispatch', meant.command, ...meant.rest].join(' ');
  const prompt = JSON.stringify(argv.join(' '));
  return new DispatchError(
    'usage',
    `'${verb}' is not a dispatch command: did you mean ${suggestion}? (to send it to a worker as a prompt: dispatch run ${prompt})`,
    { reason: 'command-like-prompt' },
  );
}

/** The error for a command name that is not a command, phrased by how close it came to one. */
export function unknownCommand(name: string, registered: readonly string[], root: boolean): DispatchError {
  if (root && CONTRACT_COMMANDS.includes(name) && !registered.includes(name)) return notAvailable(name);
  const candidates = root ? [...new Set([...registered, ...CONTRACT_COMMANDS])] : registered;
  const near = findNearMiss(name, candidates);
  if (near !== undefined) return didYouMean(name, near);
  return new DispatchError('usage', `unknown command '${name}' (see dispatch help)`, { reason: 'unknown-command' });
}

/** The one message for a contract command this build does not have yet. */
export function notAvailable(name: string): DispatchError {
  return new DispatchError('failure', `dispatch ${name} is not available in this build`);
}

function didYouMean(word: string, near: string, hint?: string): DispatchError {
  const tail = hint === undefined ? '' : ` (${hint})`;
  return new DispatchError('usage', `unknown command '${word}': did you mean ${near}?${tail}`, {
    reason: 'unknown-command',
  });
}
