import type { BackendConfig, DispatchConfig } from '../types.js';

/** A model a failed task could be retried with. */
export interface Alternative {
  model: string;
  /** The backend (name in `backends`) that runs it. */
  backend: string;
  isDefault: boolean;
}

/** Failures that another model can get around; the rest (a `[!]` item, a crash) need the user. */
export const MODEL_FAILURES: readonly string[] = ['cli-missing', 'auth', 'quota', 'model-unavailable'];

/**
 * Model failures that are the CLI's, not the model's: every model its backend runs fails the same
 * way (the CLI is missing, or not logged in), so models on other backends are the way on.
 */
export const BACKEND_FAILURES: readonly string[] = ['cli-missing', 'auth'];

/**
 * The executable a backend's command starts, past `env` and its options and `NAME=value`
 * assignments (the reference's claude command is `env -u CLAUDECODE … claude -p …`).
 * @example backendExecutable({ command: 'env -u CLAUDECODE claude -p' }) // 'claude'
 */
export function backendExecutable(backend: Pick<BackendConfig, 'command'>): string | null {
  const words = shellWords(backend.command);
  let i = 0;
  const assignment = (word: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
  while (i < words.length && assignment(words[i]!)) i++;
  if (words[i] === 'env') {
    i++;
    while (i < words.length) {
      const word = words[i]!;
      if (word === '-u' || word === '--unset') i += 2;
      else if (word.startsWith('-') || assignment(word)) i++;
      else break;
    }
  }
  return words[i] ?? null;
}

/** The leading plain words of a shell command, with '…' and "…" quoting (enough to find its executable). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:'([^']*)'|"((?:\\.|[^"\\])*)"|([^\s'"]+))+/g)) {
    words.push(
      match[0].replace(
        /'([^']*)'|"((?:\\.|[^"\\])*)"/g,
        (_, single: string | undefined, double: string | undefined) => single ?? (double ?? '').replace(/\\(.)/g, '$1'),
      ),
    );
  }
  return words;
}

/**
 * The models a failed task can be retried with: configured models, the default first, then in
 * config order, leaving out the ones that already failed for this task and those whose backend's
 * CLI is not installed (`isInstalled`). After a failure of the CLI itself (`kind` one of
 * BACKEND_FAILURES), models on another backend than the failed ones' come first: `opus` cannot
 * help when `claude` is not logged in.
 * @example recoveryAlternatives(config, ['gpt-5.3-codex'], (b) => b.name !== 'codex', 'cli-missing')
 */
export function recoveryAlternatives(
  config: DispatchConfig,
  failed: readonly string[],
  isInstalled: (backend: BackendConfig) => boolean,
  kind?: string,
): Alternative[] {
  const usable = Object.values(config.models).filter((m) => {
    const backend = config.backends[m.backend];
    return !failed.includes(m.id) && backend !== undefined && isInstalled(backend);
  });
  const failedBackends = new Set(failed.map((id) => config.models[id]?.backend));
  const sameCli = (a: Alternative) =>
    kind !== undefined && BACKEND_FAILURES.includes(kind) && failedBackends.has(a.backend);
  return usable
    .map((m) => ({ model: m.id, backend: m.backend, isDefault: m.id === config.default }))
    .sort((a, b) => Number(sameCli(a)) - Number(sameCli(b)) || Number(b.isDefault) - Number(a.isDefault));
}
