import { DispatchError, ExitCode, isInputErrorCode } from '@dispatch/runtime';

/** What the entry point prints and returns for a thrown value. `message: null` prints nothing. */
export interface ErrorReport {
  exitCode: number;
  message: string | null;
  /** The stack and causes, only when debugging. */
  detail: string | null;
}

/** Maps anything thrown to its exit status and the one line that explains it. */
export function describeError(err: unknown, options: { debug?: boolean } = {}): ErrorReport {
  const detail = options.debug ? describeStack(err) : null;
  if (!(err instanceof Error)) {
    return { exitCode: ExitCode.failure, message: oneLine(String(err)), detail };
  }
  const code = (err as { code?: unknown }).code;
  if (err instanceof DispatchError) {
    return { exitCode: err.exitCode, message: withLocation(err), detail };
  }
  // Duck-typed rather than instanceof: commander's error class may come from another copy.
  if (typeof code === 'string' && code.startsWith('commander.')) {
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    if (exitCode === 0) return { exitCode: 0, message: null, detail: null }; // --help, --version
    // Help shown because a command was incomplete (`dispatch config`): already on stderr.
    if (code === 'commander.help') return { exitCode: ExitCode.usage, message: null, detail };
    return { exitCode: ExitCode.usage, message: oneLine(err.message), detail };
  }
  // Never honour a foreign `exitCode`: an execa error's is the child's exit status, not ours.
  const exitCode = typeof code === 'string' && isInputErrorCode(code) ? ExitCode.usage : ExitCode.failure;
  return { exitCode, message: withLocation(err), detail };
}

/** Collapses a possibly multi-line message to one line, without commander's `error: ` prefix. */
export function oneLine(message: string): string {
  const text = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/^error: /, '');
  return text === '' ? 'unexpected error' : text;
}

function withLocation(err: Error): string {
  const message = oneLine(err.message);
  const { file, line, col } = err as { file?: unknown; line?: unknown; col?: unknown };
  if (typeof file !== 'string' || file === '') return message;
  const where =
    typeof line !== 'number' ? file : typeof col === 'number' ? `${file}:${line}:${col}` : `${file}:${line}`;
  return message.includes(where) ? message : `${where}: ${message}`;
}

function describeStack(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  // Follow the cause chain, bounded in case of a cycle.
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
    parts.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
