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
 * CLI is not installed (`isInstalled`).
 * @example recoveryAlternatives(config, ['gpt-5.3-codex'], (b) => b.name !== 'codex')
 */
export function recoveryAlternatives(
  config: DispatchConfig,
  failed: readonly string[],
  isInstalled: (backend: BackendConfig) => boolean,
): Alternative[] {
  const usable = Object.values(config.models).filter((m) => {
    const backend = config.backends[m.backend];
    return !failed.includes(m.id) && backend !== undefined && isInstalled(backend);
  });
  return usable
    .map((m) => ({ model: m.id, backend: m.backend, isDefault: m.id === config.default }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}
