import { ConfigError } from '../errors.js';
import type { ConfigIssue, DispatchConfig } from '../types.js';
import { parseConfigDocument } from './parse-config-document.js';
import { validateConfig } from './validate-config.js';

function malformed(file: string, issue: ConfigIssue): ConfigError {
  return new ConfigError(
    'malformed-config',
    issue.message,
    issue.position ? { file, position: issue.position } : { file },
  );
}

/** Parses and validates config text; throws `malformed-config` with the first problem. */
export function parseValidConfig(text: string, path: string): { config: DispatchConfig; warnings: ConfigIssue[] } {
  const parsed = parseConfigDocument(text, path);
  if (parsed.errors[0]) throw malformed(path, parsed.errors[0]);
  const checked = validateConfig(parsed.doc, path);
  if (checked.errors[0] || checked.value === null) {
    throw malformed(path, checked.errors[0] ?? { message: 'config is invalid' });
  }
  return { config: checked.value, warnings: [...parsed.warnings, ...checked.warnings] };
}
