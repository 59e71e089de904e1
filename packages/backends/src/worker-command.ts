import { SETUP_FAILED_EXIT } from '@dispatch/core';
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
  /** Flags dispatch adds for the backend's kind (structured output), before the model. */
  extraArgs?: readonly string[];
  /**
   * The words that resume a session of the CLI (`sessionResumeArgs`), right before the prompt:
   * a subcommand such as codex exec's `resume <id>` must follow every option.
   */
  resume?: readonly string[];
  prompt: string;
  /**
   * A setup command (the config's `worktree_setup`) run first, in the worker's directory and
   * process group, its output in worker.log. If it fails, the worker does not start: the script
   * exits SETUP_FAILED_EXIT, leaving `$DISPATCH_TASK_DIR/setup.failed` (its exit status) behind.
   */
  setup?: string | undefined;
}

const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * Builds the worker's command as the worker contract says: the backend's command from the config
 * (a shell string that may hold `"$(pwd)"`; surrounding whitespace and a folded scalar's newline
 * trimmed), then the model flag and id, then the words that resume a session, then the prompt as
 * the final argument. Model and prompt are positional parameters (`"$@"`), never spliced into the
 * shell text, so no prompt or model name can inject a command; the model id is validated as well.
 * @example buildWorkerCommand({ command: 'codex exec', modelFlag: '--model', model: 'gpt-5', prompt: 'Go' })
 */
export function buildWorkerCommand(parts: WorkerCommandParts): WorkerCommand {
  const command = parts.command.trim();
  if (command === '') throw new BackendError('spawn-failed', 'the backend command is empty');
  const args: string[] = [];
  const plain = (arg: string) => {
    if (!/^[A-Za-z0-9=._-]+$/.test(arg))
      throw new BackendError('spawn-failed', `invalid extra argument ${JSON.stringify(arg)}`);
    return arg;
  };
  args.push(...(parts.extraArgs ?? []).map(plain));
  if (parts.modelFlag !== null && parts.model !== null) {
    if (!FLAG.test(parts.modelFlag)) {
      throw new BackendError(
        'invalid-model',
        `invalid model flag ${JSON.stringify(parts.modelFlag)}: use e.g. --model or -m`,
      );
    }
    args.push(parts.modelFlag, assertModelId(parts.model));
  }
  args.push(...(parts.resume ?? []).map(plain), parts.prompt);
  const setup = parts.setup?.trim();
  if (!setup) return { script: `${command} "$@"`, args };
  const marker = '"$DISPATCH_TASK_DIR/setup.failed"';
  const guard = `( ${setup}
) || { s=$?; echo "dispatch: the worktree setup command failed (exit $s)" >&2; echo "$s" > ${marker}; exit ${SETUP_FAILED_EXIT}; }; rm -f ${marker}; `;
  return { script: `${guard}${command} "$@"`, args };
}
