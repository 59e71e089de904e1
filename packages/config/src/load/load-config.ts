import type { Document } from 'yaml';
import { ConfigError } from '../errors.js';
import type { ConfigIssue, DispatchConfig } from '../types.js';
import { parseConfigDocument } from './parse-config-document.js';
import { readConfigText } from './read-config-text.js';
import { validateConfig } from './validate-config.js';

/** A config loaded without errors: the config, its warnings, and the document and text it came from. */
export interface LoadedConfig {
  config: DispatchConfig;
  warnings: ConfigIssue[];
  doc: Document.Parsed;
  text: string;
}

function malformed(file: string, issue: ConfigIssue): ConfigError {
  return new ConfigError('malformed-config', issue.message, issue.position ? { file, position: issue.position } : { file });
}

/**
 * Reads, parses and validates config.yaml (through a symlink to its target). Throws a ConfigError:
 * `missing-config` when there is no file, `malformed-config` with the first problem (one line,
 * its position in `line`/`col`) when the config cannot be used. Warnings are returned, not thrown.
 * @example
 * const { config, warnings } = await loadConfig(configPath());
 * console.log(`Config loaded: default ${config.default}, ${Object.keys(config.models).length} models`);
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const text = await readConfigText(path);
  const parsed = parseConfigDocument(text, path);
  if (parsed.errors[0]) throw malformed(path, parsed.errors[0]);
  const checked = validateConfig(parsed.doc, path);
  if (checked.errors[0] || checked.value === null) {
    throw malformed(path, checked.errors[0] ?? { message: 'config is invalid' });
  }
  return { config: checked.value, warnings: [...parsed.warnings, ...checked.warnings], doc: parsed.doc, text };
}
