import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../types.js';
import { parseConfigDocument, validateConfig } from './index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

function check(text: string): ConfigIssue[] {
  const parsed = parseConfigDocument(text, 'config.yaml');
  const checked = validateConfig(parsed.doc, 'config.yaml');
  const issues = [...parsed.errors, ...parsed.warnings, ...checked.errors, ...checked.warnings];
  const lineCount = text.split('\n').length;
  for (const issue of issues) {
    expect(issue.message).not.toMatch(/[\r\n\u2028\u2029]/);
    if (issue.position) {
      expect(issue.position.line).toBeGreaterThanOrEqual(1);
      expect(issue.position.line).toBeLessThanOrEqual(lineCount);
      expect(issue.position.col).toBeGreaterThanOrEqual(1);
    }
  }
  if (checked.value !== null) expect(checked.errors).toEqual([]);
  return issues;
}

describe('parse and validate on damaged configs', () => {
  it('never throw, and give one-line messages with positions inside the text, for every prefix of the reference config', () => {
    const text = readFileSync(join(fixtures, 'reference.yaml'), 'utf8');
    let refused = 0;
    for (let end = 0; end < text.length; end++) {
      if (check(text.slice(0, end)).length > 0) refused += 1;
    }
    expect(refused).toBeGreaterThan(text.length / 2);
  });

  it('never throw on any line of the reference or old-format config deleted or indented by a tab', () => {
    for (const name of ['reference.yaml', 'old-format.yaml']) {
      const lines = readFileSync(join(fixtures, name), 'utf8').split('\n');
      lines.forEach((_, index) => {
        check(lines.filter((__, i) => i !== index).join('\n'));
        check(lines.map((line, i) => (i === index ? `\t${line}` : line)).join('\n'));
      });
    }
  });

  it('validate the documents of every malformed fixture without throwing', () => {
    const corpus = join(fixtures, 'malformed');
    for (const name of readdirSync(corpus).filter((file) => file.endsWith('.yaml'))) {
      check(readFileSync(join(corpus, name), 'latin1'));
    }
  });
});
