import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from './index.js';

const parse = (text: string) => parseConfigDocument(text, 'config.yaml');

describe('parseConfigDocument', () => {
  it('parses a valid config into a document with no problems', () => {
    const { doc, errors, warnings } = parse('default: opus # the usual\nmodels:\n  opus: { backend: claude }\n');
    expect([errors, warnings]).toEqual([[], []]);
    expect(doc.toJS()).toEqual({ default: 'opus', models: { opus: { backend: 'claude' } } });
    expect(doc.toString()).toContain('# the usual');
  });

  it('reports every YAML error, in order, with 1-based lines and columns and one-line messages', () => {
    const text = 'default: opus\nmodels:\n\topus: x\nbackends:\n  claude: { command: a }\n  claude: { command: b }\n';
    const { errors } = parse(text);
    expect(errors).toEqual([
      { message: 'tabs are not allowed in indentation: indent with spaces', position: { line: 3, col: 1 } },
      { message: "duplicate key 'claude': a key may appear only once in a mapping", position: { line: 6, col: 3 } },
    ]);
  });

  it('turns YAML warnings into errors', () => {
    expect(parse('default: !!opus opus\n').errors).toEqual([
      { message: 'invalid YAML: unresolved tag: tag:yaml.org,2002:opus', position: { line: 1, col: 10 } },
    ]);
    expect(parse('%YAML 1.3\n---\ndefault: opus\n').errors).toEqual([
      { message: 'invalid YAML: unsupported YAML version 1.3', position: { line: 1, col: 7 } },
    ]);
  });

  it('calls an empty, blank or comment-only file empty', () => {
    expect(parse('').errors).toEqual([{ message: 'config is empty', position: { line: 1, col: 1 } }]);
    expect(parse('\n \n').errors).toEqual([{ message: 'config is empty', position: { line: 1, col: 1 } }]);
    expect(parse('# nothing yet\n---\n').errors).toEqual([
      { message: 'config is empty: it holds only comments', position: { line: 1, col: 1 } },
    ]);
  });

  it('allows a few aliases but not a billion laughs', () => {
    const fine = 'x: &cmd { command: claude -p }\nbackends:\n  claude: *cmd\n  other: *cmd\n';
    expect(parse(fine).errors).toEqual([]);
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [prev, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
      ['h', 'i'],
    ]) {
      levels.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const started = performance.now();
    const { errors } = parse(`${levels.join('\n')}\n`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(errors).toEqual([
      {
        message: 'YAML aliases expand too far (past 100 nodes): refused as a resource-exhaustion attack',
        position: { line: 2, col: 8 },
      },
    ]);
  });

  it('checks duplicate keys in linear time: 100k keys in a 1 MiB file', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`k${i}: 1`);
    lines.push('k5: 2');
    const started = performance.now();
    const { errors } = parse(`${lines.join('\n')}\n`);
    // yaml's own uniqueKeys check took 77 s on this.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(errors).toEqual([
      { message: "duplicate key 'k5': a key may appear only once in a mapping", position: { line: 100_001, col: 1 } },
    ]);
  });

  it('tells keys apart by value as YAML does: 1 and "1" differ, 1.0 and 1 do not', () => {
    expect(parse('1: a\n"1": b\n').errors).toEqual([]);
    expect(parse('1: a\n1.0: b\n').errors).toEqual([
      { message: "duplicate key '1.0': a key may appear only once in a mapping", position: { line: 2, col: 1 } },
    ]);
  });

  it('points an unclosed quote at where it opens', () => {
    expect(parse('default: "opus\nmodels: {}\n').errors).toEqual([
      {
        message: 'invalid YAML: missing closing "quote (the string that starts here never ends)',
        position: { line: 1, col: 10 },
      },
    ]);
  });
});
