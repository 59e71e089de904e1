import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { bytePosition, firstInvalidUtf8 } from './utf8.js';

/** The largest config read (1 MiB): bigger files are refused before they are read or parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(path: string, size: number): ConfigError {
  return new ConfigError(
    'malformed-config',
    `config is too large: ${size} bytes, over the 1 MiB limit (${MAX_CONFIG_BYTES} bytes)`,
    { file: path },
  );
}

function unreadable(path: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ConfigError('missing-config', 'no config file: run `dispatch init` to create one', {
      file: path,
      cause: err,
    });
  }
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : ((err as Error).message ?? String(err));
  return new ConfigError('io', `cannot read the config: ${reason}`, { file: path, cause: err });
}

/**
 * Reads an open file to its end, but never more than `limit + 1` bytes (one more than the limit
 * tells a file that grew past it since its size was read). Sized by `sizeHint`, grown if needed.
 */
function readAtMost(fd: number, sizeHint: number, limit: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(sizeHint, limit) + 1);
  let filled = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (filled > limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, filled, buffer.length - filled, null);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

/** Decodes config bytes as UTF-8 text, refusing NUL bytes and invalid UTF-8 at the first such byte. */
export function decodeConfigBytes(bytes: Uint8Array, path: string): string {
  const nul = bytes.indexOf(0);
  let invalid = -1;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    invalid = Math.max(0, firstInvalidUtf8(bytes));
  }
  if (text !== undefined && nul < 0) return text;
  const offset = invalid >= 0 && (nul < 0 || invalid < nul) ? invalid : nul;
  const what = offset === nul ? 'it holds a NUL byte' : 'it is not valid UTF-8';
  throw new ConfigError('malformed-config', `config is not text: ${what} (binary data?)`, {
    file: path,
    position: bytePosition(bytes, offset),
  });
}

/**
 * Reads config.yaml (through a symlink to its target) as text. Refuses, with a ConfigError: a
 * missing file (`missing-config`), a file over 1 MiB before reading it, anything but a regular
 * file, and binary junk (NUL bytes, invalid UTF-8) — all `malformed-config` except I/O failures.
 * @example const text = await readConfigText(configPath());
 */
export async function readConfigText(path: string): Promise<string> {
  // Sync calls: every `run` reads the config, and a few small reads cost less than a thread hop each.
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    let size: number;
    try {
      const info = fstatSync(fd);
      // A FIFO would block the read forever; a directory is not a config.
      if (!info.isFile()) {
        throw new ConfigError(
          'io',
          `cannot read the config: ${info.isDirectory() ? 'it is a directory' : 'it is not a regular file'}`,
          { file: path },
        );
      }
      size = info.size;
    } catch (err) {
      throw err instanceof ConfigError ? err : unreadable(path, err);
    }
    if (size > MAX_CONFIG_BYTES) throw tooLarge(path, size);
    let bytes: Buffer;
    try {
      bytes = readAtMost(fd, size, MAX_CONFIG_BYTES);
    } catch (err) {
      throw unreadable(path, err);
    }
    // The file may have grown between fstat and read.
    if (bytes.length > MAX_CONFIG_BYTES) throw tooLarge(path, bytes.length);
    return decodeConfigBytes(bytes, path);
  } finally {
    closeSync(fd);
  }
}
