import { ConfigError } from '../errors.js';
import { findCommand } from '../init/detect-clis.js';
import { MODEL_ID_PATTERN } from '../load/names.js';
import { backendExecutable } from '../recover/alternatives.js';

/** A backend to add: its name, the command that runs it, and how the model is passed. */
export interface NewBackend {
  name: string;
  /** A shell command that takes the prompt as its last argument (`aider --yes --message`). */
  command: string;
  /** `--model`, `-m`, or `none`; left out: the kind's default (none for a generic command). */
  modelFlag?: string | undefined;
  /** Environment variable names its workers also get, or `all`. */
  env?: readonly string[] | 'all' | undefined;
}

const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const refuse = (message: string) => new ConfigError('invalid-input', message);

/**
 * Checks a backend before it is written, saying what is wrong in one line: a name the config
 * accepts, a one-line command whose executable is on `path` (a worker that cannot start is found
 * out now, not at the first task), a model flag and environment names as the config takes them.
 * @example checkNewBackend({ name: 'aider', command: 'aider --yes --message' }, process.env.PATH)
 */
export function checkNewBackend(backend: NewBackend, path: string | undefined): void {
  const { name, command, modelFlag, env } = backend;
  if (!MODEL_ID_PATTERN.test(name))
    throw refuse(
      `invalid backend name ${JSON.stringify(name)}: use letters, digits and . _ : / @ + - and start with a letter or digit`,
    );
  if (name.toLowerCase() === 'sim') throw refuse('sim is the built-in simulated worker: name the backend otherwise');
  const text = command.trim();
  if (text === '') throw refuse('--command: the shell command that runs the worker CLI (it gets the prompt last)');
  if (/[\n\r\0]/.test(text)) throw refuse('--command: one line');
  const exe = backendExecutable({ command: text });
  if (exe === null || findCommand(exe, path) === null)
    throw refuse(`--command: ${exe ?? text} is not an executable on PATH (install it, or give its full path)`);
  if (modelFlag !== undefined && modelFlag !== 'none' && !FLAG.test(modelFlag))
    throw refuse(`--model-flag ${modelFlag}: a flag like --model or -m, or none`);
  if (env !== undefined && env !== 'all')
    for (const v of env)
      if (!ENV_NAME.test(v)) throw refuse(`--env ${v}: an environment variable name (letters, digits, _), or all`);
}
