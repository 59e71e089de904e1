import { constants } from 'node:fs';
import { copyFile, realpath } from 'node:fs/promises';
import { isMap, isScalar, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { editConfig, type EditResult } from './edit-config.js';
import { mapAt } from './mutations.js';

/**
 * Rewrites the old format (`default` + `agents.<name>.command`) in the current schema: each agent
 * becomes a backend running its command as is (`model_flag: none`, since the command already
 * chose its model) and a model of the same name, so `default` and every name the user typed keep
 * working. Comments on the agents move with them. Returns the names migrated.
 */
export function migrateDocument(doc: Document.Parsed): string[] {
  const agents = doc.get('agents', true);
  if (!isMap(agents))
    throw new ConfigError('invalid-input', 'the config has no `agents`: it is already in the current format');
  const backends = mapAt(doc, 'backends');
  const models = mapAt(doc, 'models');
  const names: string[] = [];
  // A comment above the first agent belongs to the agents map; it goes above the first backend.
  let heading = agents.commentBefore;
  for (const pair of agents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const command = isMap(pair.value) ? pair.value.get('command') : undefined;
    if (typeof command !== 'string') continue;
    const backend = doc.createPair(name, doc.createNode({ command: command.trim(), model_flag: 'none' }));
    if (isScalar(pair.key) && isScalar(backend.key)) {
      const before = [heading, pair.key.commentBefore].filter(Boolean).join('\n');
      if (before) backend.key.commentBefore = before;
      backend.key.comment = pair.key.comment;
      heading = undefined;
    }
    backends.add(backend);
    const model = doc.createPair(name, doc.createNode({ backend: name }, { flow: true }));
    models.add(model);
    names.push(name);
  }
  doc.delete('agents');
  return names;
}

/** `dispatch config migrate`: keeps a backup (`config.yaml.bak`, or a timestamped one), then migrates. */
export async function migrateConfig(configPath: string): Promise<EditResult & { backup: string; migrated: string[] }> {
  const target = await realpath(configPath).catch(() => configPath);
  let backup = `${target}.bak`;
  try {
    await copyFile(target, backup, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    backup = `${target}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    await copyFile(target, backup, constants.COPYFILE_EXCL);
  }
  let migrated: string[] = [];
  const result = await editConfig(configPath, (doc) => {
    migrated = migrateDocument(doc);
  });
  return { ...result, backup, migrated };
}
