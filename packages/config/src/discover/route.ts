import type { BackendKind } from '../types.js';
import { isProviderId, isStrictFamilyId, modelFamily } from './model-family.js';

/** A backend kind dispatch knows by name (not a generic command). */
export type KnownBackendKind = Exclude<BackendKind, 'command'>;

/** Which worker CLIs were found on PATH; a missing key means not found. */
export type InstalledClis = Readonly<Partial<Record<KnownBackendKind, boolean>>>;

/**
 * The backend a discovered model goes to, by the reference's rules: ids naming opus/sonnet/haiku
 * → claude (else cursor); gpt/codex/o1/o3/o4-mini → codex when installed (else cursor); gemini ids
 * → gemini when installed (else cursor); the rest → cursor. A `provider/model` id goes to opencode
 * first when it is installed. Null when no installed CLI can serve the id.
 * @example routeModel('sonnet-4.6', { claude: true, cursor: true }) // 'claude'
 * @example routeModel('gpt-5.3-codex', { cursor: true }) // 'cursor'
 */
export function routeModel(id: string, installed: InstalledClis): KnownBackendKind | null {
  if (isProviderId(id) && installed.opencode === true) return 'opencode';
  const own = familyBackend(id);
  if (own !== null && installed[own] === true) return own;
  return installed.cursor === true ? 'cursor' : null;
}

/**
 * Whether a model named in a prompt but missing from the config can be added, and with which
 * backend: its provider's CLI when installed and the id is one that CLI takes (Claude: opus,
 * sonnet, haiku and versioned ids like `claude-sonnet-4-5`; Codex: OpenAI ids; Gemini: gemini
 * ids; opencode: `provider/model` ids), else Cursor when `agent models` lists it
 * (case-insensitively). Null means "not available".
 * @example canServeModel('gpt-5.4', { codex: true }, []) // 'codex'
 * @example canServeModel('grok-4', { cursor: true }, ['grok-4']) // 'cursor'
 */
export function canServeModel(
  id: string,
  installed: InstalledClis,
  cursorModels: readonly string[],
): KnownBackendKind | null {
  if (isProviderId(id)) return installed.opencode === true ? 'opencode' : null;
  const family = modelFamily(id);
  const own = familyBackend(id);
  if (family !== 'other' && own !== null && installed[own] === true && isStrictFamilyId(family, id)) return own;
  const wanted = id.toLowerCase();
  return cursorModels.some((listed) => listed.toLowerCase() === wanted) ? 'cursor' : null;
}

function familyBackend(id: string): KnownBackendKind | null {
  const family = modelFamily(id);
  if (family === 'claude') return 'claude';
  if (family === 'openai') return 'codex';
  if (family === 'gemini') return 'gemini';
  return null;
}
