import { BackendError } from './errors.js';
import { assertModelId } from './model-id.js';

/** How a worker is run: a shell snippet and the arguments it is given as data. */
export interface WorkerCommand {
  /** Run as `sh -c <script> dispatch-worker <args...>`. */
  script: string;
  args: string[];
}

/** What a worker command is made of. */
export interface WorkerCommandParts {
  /** The backend's command from the config, e.g. `claude -p --dangerously-skip-permissions`. */
  command: string;
  /** How the model is passed (`--model`, `-m`), or null when the backend takes none. */
  modelFlag: string | null;
  /** The model id to pass (ignored when `modelFlag` is null). */
  model: string | null;
  prompt: string;
}

const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * Builds the worker's command as the worker contract says: the backend's command from the config
 * (a shell string that may hold `"$(pwd)"`; surrounding whitespace and a folded scalar's newline
 * trimmed), then the model flag and id, then the prompt as the final argument. Model and prompt
 * are positional parameters (`"$@"`), never spliced into the shell text, so no prompt or model
 * name can inject a command; the model id is validated as well.
 * @example buildWorkerCommand({ command: 'codex exec', modelFlag: '--model', model: 'gpt-5', prompt: 'Go' })
 */
export function buildWorkerCommand(parts: WorkerCommandParts): WorkerCommand {
  const command = parts.command.trim();
  if (command === '') throw new BackendError('spawn-failed', 'the backend command is empty');
  const args: string[] = [];
  if (parts.modelFlag !== null && parts.model !== null) {
    if (!FLAG.test(parts.modelFlag)) {
      throw new BackendError('invalid-model', `invalid model flag ${JSON.stringify(parts.modelFlag)}: use e.g. --model or -m`);
    }
    args.push(parts.modelFlag, assertModelId(parts.model));
  }
  args.push(parts.prompt);
  return { script: `${command} "$@"`, args };
}
