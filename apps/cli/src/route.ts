import { DispatchError } from '@dispatch/runtime';
import { CONTRACT_COMMANDS } from './command-names.js';
import type { CommandSpec } from './command-spec.js';
// The small module alone: the start-up path must not load the config reader (yaml).
import { nearestName as findNearMiss } from '@dispatch/config';

/** The command a bare prompt means: `dispatch <prompt...>` is `dispatch run <prompt...>`. */
export const DEFAULT_COMMAND = 'run';

const ROOT_OPTIONS = new Set(['-h', '--help', '-V', '--version']);

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
  }
  if (!registered.includes(DEFAULT_COMMAND)) {
    // Without `run`, a leading option is commander's to refuse (unknown option, exit 2).
    if (isOption) return [...argv];
    throw notAvailable(DEFAULT_COMMAND);
  }
  return [DEFAULT_COMMAND, ...argv];
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
