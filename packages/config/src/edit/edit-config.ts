import { realpath, stat } from 'node:fs/promises';
import { writeFileAtomic } from '@dispatch/ipc-fs';
import type { Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { parseConfigDocument, readConfigText, validateConfig } from '../load/index.js';
import type { ConfigIssue, DispatchConfig } from '../types.js';
import { withConfigLock } from './lock.js';

/** What an edit did. */
export interface EditResult {
  /** The file written: the config, or the target of a symlinked config. */
  path: string;
  changed: boolean;
  warnings: ConfigIssue[];
}

/** A change to the config's YAML document, given the config as it is (null if it is invalid). */
export type ConfigMutation = (doc: Document.Parsed, config: DispatchConfig | null) => void;

function fail(file: string, issue: ConfigIssue, prefix = ''): ConfigError {
  return new ConfigError('malformed-config', `${prefix}${issue.message}`, {
    file,
    ...(issue.position && { position: issue.position }),
  });
}

/**
 * Edits config.yaml through the yaml Document API, so comments, key order and blank lines
 * survive. Under the config lock: a config that does not parse is never overwritten; the edited
 * text is parsed and validated again and refused if it is invalid (so an edit that repairs the
 * only fault succeeds, and one that leaves a fault changes nothing); then it is written
 * atomically — to the symlink's target when the config is a symlink — keeping the file's mode.
 * @example await editConfig(configPath(), (doc) => setDefault(doc, 'sonnet'))
 */
export async function editConfig(configPath: string, mutate: ConfigMutation): Promise<EditResult> {
  let target: string;
  try {
    target = await realpath(configPath);
  } catch {
    throw new ConfigError('missing-config', `no config at ${configPath}: run \`dispatch init\``, { file: configPath });
  }
  return withConfigLock(target, async () => {
    const text = await readConfigText(target);
    const parsed = parseConfigDocument(text, target);
    if (parsed.errors[0]) throw fail(target, parsed.errors[0]);
    const before = validateConfig(parsed.doc, target);
    try {
      mutate(parsed.doc, before.value);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      // The document's shape does not take this edit (a list where a map belongs, ...): that
      // fault is the user's to fix first, and it is what we report.
      throw before.errors[0]
        ? fail(target, before.errors[0])
        : new ConfigError('invalid-input', (err as Error).message, { file: target });
    }
    // lineWidth 0: never re-wrap a long command the user wrote on one line.
    const next = parsed.doc.toString({ lineWidth: 0 });
    const reparsed = parseConfigDocument(next, target);
    const checked = reparsed.errors.length
      ? { errors: reparsed.errors, warnings: [] }
      : validateConfig(reparsed.doc, target);
    if (checked.errors[0]) throw fail(target, checked.errors[0], 'refused: the config would be invalid: ');
    if (next === text) return { path: target, changed: false, warnings: checked.warnings };
    await writeFileAtomic(target, next, { mode: (await stat(target)).mode & 0o777 });
    return { path: target, changed: true, warnings: checked.warnings };
  });
}
