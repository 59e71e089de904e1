import { CLAUDE_MODELS, CODEX_MODELS } from '../discover/known-models.js';
import { modelFamily, type ModelFamily } from '../discover/model-family.js';
import { routeModel, type KnownBackendKind } from '../discover/route.js';
import type { AgentModel } from '../discover/agent-models.js';
import { installedKinds, type FoundClis } from './detect-clis.js';

/**
 * How each known CLI is run headless: the reference's commands, except where today's CLIs refuse
 * them (recorded in packages/backends/test/fixtures/cli-output): codex 0.169 rejects the
 * reference's `--full-auto` (exit 2), and `--sandbox workspace-write` is what it meant (exec never
 * asks for approval); gemini 0.61 turns YOLO off in a folder it does not trust unless `--skip-trust`.
 */
export const BACKEND_COMMANDS: Record<KnownBackendKind, string> = {
  claude: 'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
  cursor: 'agent -p --force --workspace "$(pwd)"',
  codex: 'codex exec --sandbox workspace-write -C "$(pwd)"',
  gemini: 'gemini --yolo --skip-trust',
  opencode: 'opencode run',
};

/**
 * What each command in BACKEND_COMMANDS turns off so that a worker runs unattended (no one is
 * there to approve a tool call): `dispatch init` says so when it writes them.
 */
export const UNATTENDED: Record<KnownBackendKind, string> = {
  claude: '--dangerously-skip-permissions: every tool call runs without asking',
  cursor: '--force: commands run without asking',
  codex: '--sandbox workspace-write: edits in the workspace without asking (exec never asks)',
  gemini: '--yolo --skip-trust: every tool call is approved, even in a folder Gemini does not trust',
  opencode: "`opencode run` asks nothing: what it may do is set in opencode's own permission config",
};

const CLI_NAMES: Record<KnownBackendKind, string> = {
  claude: 'Claude Code',
  cursor: "Cursor's agent",
  codex: 'Codex',
  gemini: 'Gemini CLI',
  opencode: 'opencode',
};

const PROVIDERS: Record<ModelFamily, string> = {
  claude: 'Anthropic',
  openai: 'OpenAI',
  gemini: 'Google',
  other: 'Other',
};

/** Known Gemini ids (the Gemini CLI lists none). */
const GEMINI_MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash'];

/** A model the first run found, and the backend it is routed to. */
export interface FoundModel {
  id: string;
  backend: KnownBackendKind;
  /** Cursor marked it `(current)` or `(default)`. */
  preferred: boolean;
}

/**
 * Every model the installed CLIs can serve, routed by the reference rules: Claude's stable names
 * (it has no model list), Codex's known set, Cursor's `agent models` list (ids with opus, sonnet
 * or haiku go to claude and OpenAI ids to codex when those are installed, the rest to cursor).
 */
export function discoverModels(found: FoundClis, cursorModels: readonly AgentModel[]): FoundModel[] {
  const installed = installedKinds(found);
  const models = new Map<string, FoundModel>();
  const add = (id: string, backend: KnownBackendKind | null, preferred = false) => {
    if (backend && !models.has(id)) models.set(id, { id, backend, preferred });
  };
  if (installed.claude) for (const id of CLAUDE_MODELS) add(id, 'claude');
  if (installed.codex) for (const id of CODEX_MODELS) add(id, 'codex');
  if (installed.gemini) for (const id of GEMINI_MODELS) add(id, 'gemini');
  if (installed.cursor) for (const m of cursorModels) add(m.id, routeModel(m.id, installed), m.current || m.default);
  return [...models.values()];
}

/** The default to suggest: Cursor's current/default model, else the first Claude model, else the first found. */
export function suggestedDefault(models: readonly FoundModel[]): string | undefined {
  return (models.find((m) => m.preferred) ?? models.find((m) => m.backend === 'claude') ?? models[0])?.id;
}

const quote = (s: string) => JSON.stringify(s);

/**
 * The config file the first run writes: the backends found, every model grouped by provider with
 * a comment naming the CLI that runs it, and the chosen default.
 */
export function renderInitialConfig(models: readonly FoundModel[], defaultModel: string, date = new Date()): string {
  const kinds = [...new Set(models.map((m) => m.backend))];
  const lines = [
    `# dispatch config, written by \`dispatch init\` on ${date.toISOString().slice(0, 10)}.`,
    '# Change it with `dispatch config ...` or by hand: comments and layout are kept.',
    `default: ${defaultModel}`,
    '',
    '# How each worker CLI is run headless; dispatch appends the model flag and the prompt.',
    'backends:',
    ...kinds.map((k) => `  ${k}: { command: ${quote(BACKEND_COMMANDS[k])} }  # ${CLI_NAMES[k]}`),
    '',
    'models:',
  ];
  for (const family of Object.keys(PROVIDERS) as ModelFamily[]) {
    const group = models.filter((m) => modelFamily(m.id) === family);
    if (group.length === 0) continue;
    lines.push(`  # ${PROVIDERS[family]}`);
    for (const m of group) lines.push(`  ${m.id}: { backend: ${m.backend} }`);
  }
  lines.push(
    '',
    '# Names for models, with an optional prompt to prepend:',
    '# aliases:',
    '#   quick: { model: sonnet }',
  );
  return `${lines.join('\n')}\n`;
}
