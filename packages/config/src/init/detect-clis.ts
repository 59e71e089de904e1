import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The worker CLIs dispatch knows, by backend kind, and the executable each one installs. */
export const CLI_EXECUTABLES = {
  claude: 'claude',
  cursor: 'agent',
  codex: 'codex',
  gemini: 'gemini',
  opencode: 'opencode',
} as const;

/** A known backend kind. */
export type CliKind = keyof typeof CLI_EXECUTABLES;

/** Where each CLI was found on PATH, or null. */
export type FoundClis = Record<CliKind, string | null>;

/** The first executable file named `name` on `PATH` (what `which` prints), or null. */
export function findExecutable(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** `findExecutable` for a command word: a path (`/opt/bin/aider`, `./tool`) is checked where it points, a name on `PATH`. */
export function findCommand(command: string, path: string | undefined): string | null {
  const slash = command.lastIndexOf('/');
  return slash < 0
    ? findExecutable(command, path)
    : findExecutable(command.slice(slash + 1), command.slice(0, slash) || '/');
}

/**
 * Which worker CLIs are installed: `claude`, `agent` (Cursor), `codex`, `gemini`, `opencode` on
 * the PATH of `env`.
 * @example detectClis(process.env).claude // '/usr/local/bin/claude' or null
 */
export function detectClis(env: NodeJS.ProcessEnv): FoundClis {
  const found = {} as FoundClis;
  for (const [kind, exe] of Object.entries(CLI_EXECUTABLES) as [CliKind, string][])
    found[kind] = findExecutable(exe, env.PATH);
  return found;
}

/** Which kinds are installed, as routing wants it. */
export function installedKinds(found: FoundClis): Record<CliKind, boolean> {
  return Object.fromEntries(Object.entries(found).map(([kind, path]) => [kind, path !== null])) as Record<
    CliKind,
    boolean
  >;
}
