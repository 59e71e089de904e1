import {
  appendFile,
  appendFileSync,
  close,
  closeSync,
  type Dirent,
  fsync,
  fsyncSync,
  link,
  linkSync,
  mkdir,
  mkdirSync,
  open,
  openSync,
  readdir,
  readdirSync,
  readFile,
  readFileSync,
  rename,
  renameSync,
  rm,
  rmSync,
  unlink,
  unlinkSync,
  write,
  writeSync,
} from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file calls a durable write or a task's creation makes, in two flavours with one meaning.
 * `ASYNC_FS` runs them on libuv's thread pool: a long-lived process (the daemon, an app embedding
 * the runtime) keeps its event loop turning through an fsync. `SYNC_FS` runs them on the calling
 * thread: a command that exits in a few milliseconds has nothing else to do meanwhile, and `run`'s
 * thirty-odd calls would each cost a thread-pool round trip (decision 0025). The writers are
 * written once, awaiting either; a sync call's error rejects the writer's promise just the same.
 */
export interface FsCalls {
  open(path: string, flags: string, mode?: number): number | Promise<number>;
  /** Writes all of `data` from `offset`; the bytes written. */
  write(fd: number, data: Uint8Array, offset: number, length: number): number | Promise<number>;
  fsync(fd: number): void | Promise<void>;
  close(fd: number): void | Promise<void>;
  rename(from: string, to: string): void | Promise<void>;
  link(existing: string, path: string): void | Promise<void>;
  unlink(path: string): void | Promise<void>;
  /** `rm -rf`: no error for a missing path. */
  removeAll(path: string): void | Promise<void>;
  mkdir(path: string, options: { mode: number; recursive?: boolean }): unknown;
  readdirEntries(path: string): Dirent[] | Promise<Dirent[]>;
  readText(path: string): string | Promise<string>;
  appendText(path: string, text: string): void | Promise<void>;
}

const callbackCalls = {
  open: promisify(open),
  write: promisify(write),
  fsync: promisify(fsync),
  close: promisify(close),
  rename: promisify(rename),
  link: promisify(link),
  unlink: promisify(unlink),
  rm: promisify(rm),
  mkdir: promisify(mkdir),
  readdir: promisify(readdir),
  readFile: promisify(readFile),
  appendFile: promisify(appendFile),
};

/**
 * On the thread pool. Built on the callback API, not fs/promises: its first require loads eight of
 * node's internal modules, which a short command that writes one file would pay for.
 */
export const ASYNC_FS: FsCalls = {
  open: (path, flags, mode) => callbackCalls.open(path, flags, mode),
  write: async (fd, data, offset, length) => (await callbackCalls.write(fd, data, offset, length)).bytesWritten,
  fsync: (fd) => callbackCalls.fsync(fd),
  close: (fd) => callbackCalls.close(fd),
  rename: (from, to) => callbackCalls.rename(from, to),
  link: (existing, path) => callbackCalls.link(existing, path),
  unlink: (path) => callbackCalls.unlink(path),
  removeAll: (path) => callbackCalls.rm(path, { recursive: true, force: true }),
  mkdir: (path, options) => callbackCalls.mkdir(path, options),
  readdirEntries: (path) => callbackCalls.readdir(path, { withFileTypes: true }),
  readText: (path) => callbackCalls.readFile(path, 'utf8'),
  appendText: (path, text) => callbackCalls.appendFile(path, text),
};

/** On the calling thread, for short-lived commands. */
export const SYNC_FS: FsCalls = {
  open: (path, flags, mode) => openSync(path, flags, mode),
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  fsync: (fd) => fsyncSync(fd),
  close: (fd) => closeSync(fd),
  rename: (from, to) => renameSync(from, to),
  link: (existing, path) => linkSync(existing, path),
  unlink: (path) => unlinkSync(path),
  removeAll: (path) => rmSync(path, { recursive: true, force: true }),
  mkdir: (path, options) => mkdirSync(path, options),
  readdirEntries: (path) => readdirSync(path, { withFileTypes: true }),
  readText: (path) => readFileSync(path, 'utf8'),
  appendText: (path, text) => appendFileSync(path, text),
};
