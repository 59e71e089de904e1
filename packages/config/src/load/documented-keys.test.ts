import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from './parse-config-document.js';
import { BACKEND_KEYS } from './read-backends.js';
import { EXECUTOR_KEYS } from './read-executors.js';
import { TOP_LEVEL_KEYS, validateConfig } from './validate-config.js';

// The users' reference for config.yaml: it must keep up with what the reader accepts.
const doc = readFileSync(new URL('../../../../docs/config.md', import.meta.url), 'utf8');

describe('docs/config.md', () => {
  it('documents every top-level key the config takes, and every key of a backend and of an executor', () => {
    const table = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    for (const key of TOP_LEVEL_KEYS.filter((k) => k !== 'agents')) expect(table, key).toContain(key);
    for (const key of [...BACKEND_KEYS, ...EXECUTOR_KEYS]) expect(doc).toContain(`**\`${key}\`**`);
  });

  it('its executors example is valid, with no warning, and reads as it says', () => {
    const example = /### executors\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const text = `default: opus\nmodels: { opus: { backend: claude } }\n${example}`;
    const { value, errors, warnings } = validateConfig(
      parseConfigDocument(text, 'docs/config.md').doc,
      'docs/config.md',
    );
    expect([errors, warnings]).toEqual([[], []]);
    expect(value?.backends.claude?.executor).toBe('hpc');
    expect(value?.executors.hpc?.kind).toBe('slurm');
    expect(value?.limits?.executors).toEqual({ hpc: 50 });
  });

  it('its whole example is a valid config, with no warning', () => {
    const example = /## A whole example\n+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = parseConfigDocument(example!, 'docs/config.md');
    expect(parsed.errors).toEqual([]);
    const { errors, warnings } = validateConfig(parsed.doc, 'docs/config.md');
    expect([errors, warnings]).toEqual([[], []]);
  });
});
