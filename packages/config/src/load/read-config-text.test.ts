import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { decodeConfigBytes, readConfigText } from './index.js';

async function refusal(path: string): Promise<ConfigError> {
  const error = await readConfigText(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

function decodeError(bytes: number[]): ConfigError {
  try {
    decodeConfigBytes(Uint8Array.from(bytes), 'c.yaml');
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('decoded');
}

describe('readConfigText', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dispatch-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads UTF-8 text as is, without a leading byte-order mark', async () => {
    await writeFile(join(dir, 'a.yaml'), '\uFEFFdefault: opus # café\r\n');
    expect(await readConfigText(join(dir, 'a.yaml'))).toBe('default: opus # café\r\n');
  });

  it('follows a symlink to its target', async () => {
    await writeFile(join(dir, 'target.yaml'), 'default: opus\n');
    await symlink(join(dir, 'target.yaml'), join(dir, 'config.yaml'));
    expect(await readConfigText(join(dir, 'config.yaml'))).toBe('default: opus\n');
  });

  it('gives missing-config for a missing file, a dangling symlink and a missing folder', async () => {
    await symlink(join(dir, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
    await writeFile(join(dir, 'file'), '');
    for (const path of [join(dir, 'absent.yaml'), join(dir, 'dangling.yaml'), join(dir, 'file', 'config.yaml')]) {
      const error = await refusal(path);
      expect([error.code, error.file]).toEqual(['missing-config', path]);
    }
  });

  it('refuses a directory without reading it', async () => {
    await mkdir(join(dir, 'config.yaml'));
    const error = await refusal(join(dir, 'config.yaml'));
    expect([error.code, error.message]).toEqual(['io', 'cannot read the config: it is a directory']);
  });
});

describe('decodeConfigBytes', () => {
  it('refuses a NUL byte at its line and column', () => {
    const error = decodeError([0x61, 0x0a, 0x62, 0x63, 0x00]);
    expect([error.code, error.message, error.line, error.col]).toEqual([
      'malformed-config',
      'config is not text: it holds a NUL byte (binary data?)',
      2,
      3,
    ]);
  });

  it('refuses invalid UTF-8 at the first bad byte, counting columns in characters', () => {
    // 'é' is two bytes; then a lone continuation byte.
    const error = decodeError([0x0a, 0xc3, 0xa9, 0x78, 0x80]);
    expect([error.message, error.line, error.col]).toEqual([
      'config is not text: it is not valid UTF-8 (binary data?)',
      2,
      3,
    ]);
  });

  it('names whichever comes first of a NUL byte and invalid UTF-8', () => {
    expect(decodeError([0x61, 0xff, 0x00]).message).toContain('not valid UTF-8');
    expect(decodeError([0x61, 0x00, 0xff]).message).toContain('NUL byte');
  });

  it('refuses overlong encodings, UTF-16 surrogates and truncated sequences', () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expect(decodeError([0x78, ...bytes]).col).toBe(2);
    }
  });

  it('decodes 2-, 3- and 4-byte characters', () => {
    expect(decodeConfigBytes(Buffer.from('é € 😀'), 'c.yaml')).toBe('é € 😀');
  });
});
