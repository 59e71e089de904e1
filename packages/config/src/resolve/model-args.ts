import { claudeFamily } from '../discover/model-family.js';
import type { BackendConfig, BackendKind } from '../types.js';

/** How a model reaches a worker CLI: a flag and its value, appended to the backend's command. */
export interface ModelArgs {
  flag: string;
  value: string;
}

// Each kind's own flag: Gemini CLI takes `-m/--model`; opencode takes `provider/model` ids with
// `--model`; a generic command gets none unless the config says how (`model_flag`).
const DEFAULT_FLAG: Record<BackendKind, string | null> = {
  claude: '--model',
  codex: '--model',
  cursor: '--model',
  gemini: '--model',
  opencode: '--model',
  command: null,
};

/**
 * How `modelId` is passed to `backend`, or null when it is not passed: `--model <id>` for cursor,
 * codex, gemini and opencode; for claude `--model` with the family the id belongs to (`opus`,
 * `sonnet`, `haiku`; an id with no family as is), so recovering from opus to sonnet really changes
 * the model. A backend's `model_flag` replaces the flag (`none` → null); the value is the same.
 * @example modelArgsFor({ name: 'claude', kind: 'claude', command: 'claude -p', modelFlag: undefined }, 'sonnet-4.6')
 * // { flag: '--model', value: 'sonnet' }
 */
export function modelArgsFor(backend: BackendConfig, modelId: string): ModelArgs | null {
  const flag = backend.modelFlag === undefined ? DEFAULT_FLAG[backend.kind] : backend.modelFlag;
  if (flag === null || flag.trim() === '') return null;
  const value = backend.kind === 'claude' ? (claudeFamily(modelId) ?? modelId) : modelId;
  return { flag: flag.trim(), value };
}

/**
 * The command a worker of `backend` runs for `modelId`, as text to show: the trimmed command, then
 * the model flag and its value quoted by `quote` (the worker prompt is not part of it).
 * @example shellCommandFor(codexBackend, 'gpt-5', shellQuote) // "codex exec --full-auto --model 'gpt-5'"
 */
export function shellCommandFor(backend: BackendConfig, modelId: string, quote: (value: string) => string): string {
  const command = backend.command.trim();
  const args = modelArgsFor(backend, modelId);
  return args === null ? command : `${command} ${args.flag} ${quote(args.value)}`;
}

/** Quotes a value as one POSIX shell word (single quotes; an embedded `'` closed and escaped). */
export function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
