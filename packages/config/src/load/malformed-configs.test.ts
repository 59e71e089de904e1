import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig, MAX_CONFIG_BYTES } from './index.js';

const corpus = fileURLToPath(new URL('../../test/fixtures/malformed/', import.meta.url));
const files = readdirSync(corpus);
const cases = files.filter((name) => name.endsWith('.yaml')).sort();

interface Expected {
  line: number;
  col?: number;
  message: string;
}

async function refusal(path: string): Promise<ConfigError> {
  const error = await loadConfig(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `${path} loaded`).toBeInstanceOf(ConfigError);
  const configError = error as ConfigError;
  expect(configError.code).toBe('malformed-config');
  expect(configError.file).toBe(path);
  expect(configError.message).not.toMatch(/[\r\n]/);
  expect(configError.message.startsWith(path)).toBe(false);
  return configError;
}

describe('the malformed config corpus (test/fixtures/malformed)', () => {
  it('has at least 25 configs, each with its .expected.json and no stray expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    const expectations = files.filter((name) => name.endsWith('.expected.json'));
    expect(expectations.map((name) => name.replace('.expected.json', '.yaml')).sort()).toEqual(cases);
    expect(files.length).toBe(cases.length * 2);
  });

  it.each(cases)('%s is refused with its expected line, column and message', async (name) => {
    const expected = JSON.parse(
      readFileSync(join(corpus, name.replace(/\.yaml$/, '.expected.json')), 'utf8'),
    ) as Expected;
    const error = await refusal(join(corpus, name));
    expect(error.message).toContain(expected.message);
    expect(error.line).toBe(expected.line);
    if (expected.col !== undefined) expect(error.col).toBe(expected.col);
  });
});

describe('generated malformed configs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dispatch-malformed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a 10 MB config at once, without parsing it', async () => {
    // 10 MB of distinct keys: parsing it would take seconds at least (yaml's own duplicate-key check, minutes).
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 10 * 1024 * 1024; i++) {
      const line = `key${i}: ${i}\n`;
      lines.push(line);
      size += line.length;
    }
    const path = join(dir, 'ten-megabytes.yaml');
    await writeFile(path, lines.join(''));
    const error = await refusal(path);
    // Refused by its size before any parse: no line is named (a parse would name one).
    expect(error.message).toMatch(/^config is too large: \d+ bytes, over the 1 MiB limit \(1048576 bytes\)$/);
    expect(error.line).toBeUndefined();
  });

  it('refuses a config one byte over 1 MiB, and reads one of exactly 1 MiB', async () => {
    const body = 'default: opus\nbackends: { claude: { command: claude -p } }\nmodels: { opus: { backend: claude } }\n';
    const exact = body + '#'.repeat(MAX_CONFIG_BYTES - body.length - 1) + '\n';
    expect(Buffer.byteLength(exact)).toBe(MAX_CONFIG_BYTES);
    await writeFile(join(dir, 'exact.yaml'), exact);
    expect((await loadConfig(join(dir, 'exact.yaml'))).config.default).toBe('opus');
    await writeFile(join(dir, 'over.yaml'), `${exact}\n`);
    expect((await refusal(join(dir, 'over.yaml'))).message).toContain(`${MAX_CONFIG_BYTES + 1} bytes`);
  });

  it('refuses a FIFO or a folder at the config path at once, without waiting for a writer', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const io = (path: string) =>
      loadConfig(path).then(
        () => undefined,
        (err: unknown) => err as ConfigError,
      );
    expect([(await io(fifo))?.code, (await io(fifo))?.message]).toEqual([
      'io',
      'cannot read the config: it is not a regular file',
    ]);
    expect((await io(dir))?.message).toBe('cannot read the config: it is a directory');
  });

  it('refuses random binary junk as not text, naming the line of the first bad byte', async () => {
    const junk = Buffer.from([
      0x64, 0x65, 0x66, 0x0a, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00,
    ]);
    const path = join(dir, 'junk.yaml');
    await writeFile(path, junk);
    const error = await refusal(path);
    expect(error.message).toBe('config is not text: it is not valid UTF-8 (binary data?)');
    expect([error.line, error.col]).toEqual([3, 1]);
  });

  // yaml resolves each alias by scanning all before it: 30k would take minutes. The refusal comes
  // at the 101st (its line says so); how fast is the benchmarks' business, not a timed test's.
  it('refuses 30k aliases at the 101st, without resolving the rest', async () => {
    const lines = [
      'default: opus',
      'backends: { claude: { command: claude -p } }',
      'models: { opus: { backend: claude } }',
    ];
    for (let i = 0; i < 30_000; i++) lines.push(`a${i}: &a${i} x`, `b${i}: *a${i}`);
    const path = join(dir, 'aliases.yaml');
    await writeFile(path, `${lines.join('\n')}\n`);
    const error = await refusal(path);
    expect(error.message).toBe('too many YAML aliases (over 100): a config needs only a few');
    expect(error.line).toBe(4 + 2 * 100 + 1);
  });
});
