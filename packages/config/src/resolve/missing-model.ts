import type { Document } from 'yaml';
import { canServeModel, type InstalledClis, type KnownBackendKind } from '../discover/route.js';
import { ConfigError } from '../errors.js';
import { addModel, mapAt } from '../edit/mutations.js';
import { BACKEND_COMMANDS } from '../init/initial-config.js';
import type { DispatchConfig } from '../types.js';
import { findUnknownModelDirective } from './directive.js';

/** A model the prompt asks for that the config lacks, and the backend that can serve it. */
export interface MissingModel {
  id: string;
  backend: KnownBackendKind;
}

/**
 * The model a prompt's last directive names when the config does not have it ("use gpt-5.4 to
 * …"): which backend can serve it (its provider's installed CLI, or Cursor when `agent models`
 * lists it), so the caller can say so and add it. Null when the prompt names no missing model;
 * `ConfigError('unknown-model')` ("not available") when nothing installed can serve it.
 * @example findMissingModel(config, 'use gpt-5.4 to review', { codex: true }, []) // { id: 'gpt-5.4', backend: 'codex' }
 */
export function findMissingModel(
  config: DispatchConfig,
  prompt: string,
  installed: InstalledClis,
  cursorModels: readonly string[],
): MissingModel | null {
  const known = [...Object.keys(config.models), ...Object.keys(config.aliases)];
  const named = findUnknownModelDirective(prompt, known);
  if (!named) return null;
  const backend = canServeModel(named.name, installed, cursorModels);
  if (!backend) {
    throw new ConfigError(
      'unknown-model',
      `${named.name} is not available: no installed CLI serves it (models in the config: ${known.join(', ')})`,
    );
  }
  return { id: named.name, backend };
}

/** Adds the model, and its backend (with the standard command) when the config has none by that name. */
export function addMissingModel(doc: Document.Parsed, model: MissingModel): void {
  const backends = mapAt(doc, 'backends');
  if (!backends.has(model.backend))
    backends.add(
      doc.createPair(model.backend, doc.createNode({ command: BACKEND_COMMANDS[model.backend] }, { flow: true })),
    );
  addModel(doc, model.id, model.backend);
}
