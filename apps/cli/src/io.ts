import { fstatSync, realpathSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { colorEnabled } from './style.js';

/** Where a command's output goes and what the terminal allows; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour on stdout / stderr (TTY and no NO_COLOR). */
  readonly outColor: boolean;
  readonly errColor: boolean;
  /** Width of stdout when it is a terminal (read anew each time: the terminal may be resized). */
  readonly outColumns: number | undefined;
  /** Height of stdout when it is a terminal. */
  readonly outRows?: number | undefined;
  /** Calls `listener` when the terminal is resized (SIGWINCH); returns what stops it. */
  onResize?(listener: () => void): () => void;
  /** False when nothing may wait for keyboard input. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** This CLI as one executable path, for the daemon it starts and `$DISPATCH_BIN`. */
  readonly bin: string;
}

/** The real process's streams and environment. */
export function createProcessIo(): Io {
  const { env } = process;
  // Each asked for only when needed: most commands print to one stream and never prompt.
  let outTty: boolean | undefined;
  let errTty: boolean | undefined;
  const outIsTty = () => (outTty ??= isTerminal(1));
  const errIsTty = () => (errTty ??= isTerminal(2));
  return {
    out: (text) => (outIsTty() ? void process.stdout.write(text) : writeAll(1, text)),
    err: (text) => (errIsTty() ? void process.stderr.write(text) : writeAll(2, text)),
    get outColor() {
      return colorEnabled({ isTTY: outIsTty() }, env);
    },
    get errColor() {
      return colorEnabled({ isTTY: errIsTty() }, env);
    },
    get outColumns() {
      return outIsTty() ? process.stdout.columns : undefined;
    },
    get outRows() {
      return outIsTty() ? process.stdout.rows : undefined;
    },
    onResize(listener) {
      if (!outIsTty()) return () => {};
      process.stdout.on('resize', listener);
      return () => void process.stdout.off('resize', listener);
    },
    get interactive() {
      return isTerminal(0);
    },
    env,
    cwd: process.cwd(),
    // The bundle runs itself (`#!/usr/bin/env node`); resolved once, when first asked for.
    get bin() {
      return realpathSync(process.argv[1] ?? 'dispatch');
    },
  };
}

const require = createRequire(import.meta.url);

let devNull: number | undefined;

/**
 * isatty(), asked only of a character device other than /dev/null (what a host agent or a daemon
 * gives for stdin): node:tty loads node's whole stream and socket stack, which a command writing to
 * a pipe or a file never needs.
 */
function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    devNull ??= statSync('/dev/null', { throwIfNoEntry: false })?.rdev ?? -1;
    return stat.rdev !== devNull && (require('node:tty') as typeof import('node:tty')).isatty(fd);
  } catch {
    return false; // closed
  }
}

/** A reader that went away (`dispatch status | head -1`) is not an error worth a stack trace. */
function exitQuietly(): never {
  process.exit(process.exitCode ?? 0);
}

/** For code that writes to `process.stdout` as a stream (the MCP server's transport). */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exitQuietly();
    throw err;
  });
}

/**
 * Writes to a pipe or file descriptor directly. Node's `process.stdout` on a pipe is a socket whose
 * set-up costs more than many commands' whole work; a synchronous write also keeps output in order
 * and complete when the process exits.
 */
function writeAll(fd: number, text: string): void {
  let data = Buffer.from(text);
  while (data.length > 0) {
    try {
      data = data.subarray(writeSync(fd, data));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') exitQuietly();
      // A descriptor another process left non-blocking: wait for the reader, then go on.
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
