import { isMap, isScalar, YAMLMap, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import type { NewBackend } from './new-backend.js';

/** The map at `key`, created (after the existing keys) when missing. */
export function mapAt(doc: Document.Parsed, key: string): YAMLMap {
  const node = doc.get(key, true);
  if (isMap(node)) return node;
  const created = new YAMLMap();
  doc.set(key, created);
  return created;
}

/** A new entry's value in the style of its siblings (the reference writes `opus: { backend: claude }`). */
function entry(doc: Document.Parsed, siblings: YAMLMap, value: Record<string, string | readonly string[]>) {
  const node = doc.createNode(value);
  const first = siblings.items[0]?.value;
  node.flow = first === undefined || (isMap(first) && first.flow === true);
  return node;
}

/** Sets `default`, keeping a comment on its line. */
export function setDefault(doc: Document.Parsed, model: string): void {
  const node = doc.get('default', true);
  if (isScalar(node)) node.value = model;
  else doc.set('default', model);
}

/** Adds `models.<id>: { backend }`, or changes the backend of an existing one. */
export function addModel(doc: Document.Parsed, id: string, backend: string): void {
  const models = mapAt(doc, 'models');
  const existing = models.get(id, true);
  if (isMap(existing)) existing.set('backend', backend);
  else models.add(doc.createPair(id, entry(doc, models, { backend })));
}

/**
 * Removes `models.<id>`; `unknown-model` if there is none. Comment lines above the entry (often
 * a heading for a group, like `# OpenAI`) stay, moved to the next entry or after the map.
 */
export function removeModel(doc: Document.Parsed, id: string): void {
  const models = doc.get('models', true);
  const index = isMap(models) ? models.items.findIndex((p) => (isScalar(p.key) ? p.key.value : p.key) === id) : -1;
  if (!isMap(models) || index < 0)
    throw new ConfigError('unknown-model', `there is no model ${JSON.stringify(id)} in the config`);
  const [removed] = models.items.splice(index, 1);
  const heading = isScalar(removed?.key) ? removed.key.commentBefore : undefined;
  if (!heading) return;
  const next = models.items[index]?.key;
  if (isScalar(next)) next.commentBefore = next.commentBefore ? `${heading}\n${next.commentBefore}` : heading;
  else models.comment = models.comment ? `${heading}\n${models.comment}` : heading;
}

/** Sets `aliases.<name>: { model, prompt? }`. */
export function setAlias(doc: Document.Parsed, name: string, model: string, prompt?: string): void {
  const aliases = mapAt(doc, 'aliases');
  const value: Record<string, string> = prompt === undefined ? { model } : { model, prompt };
  const existing = aliases.get(name, true);
  if (isMap(existing)) {
    existing.set('model', model);
    if (prompt !== undefined) existing.set('prompt', prompt);
  } else {
    aliases.add(doc.createPair(name, entry(doc, aliases, value)));
  }
}

/**
 * Adds `backends.<name>: { command, model_flag?, env? }`; refused when the name is taken (a
 * backend's command is the user's to change by hand, not to overwrite).
 */
export function addBackend(doc: Document.Parsed, backend: NewBackend): void {
  const backends = mapAt(doc, 'backends');
  if (backends.has(backend.name))
    throw new ConfigError(
      'invalid-input',
      `backend ${JSON.stringify(backend.name)} exists already: edit its command in the config`,
    );
  const value: Record<string, string | readonly string[]> = { command: backend.command.trim() };
  if (backend.modelFlag !== undefined) value.model_flag = backend.modelFlag;
  if (backend.env !== undefined) value.env = backend.env;
  backends.add(doc.createPair(backend.name, entry(doc, backends, value)));
}
