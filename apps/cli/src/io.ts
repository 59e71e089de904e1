import { realpathSync } from 'node:fs';
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
  const { stdout, stderr, stdin, env } = process;
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    outColor: colorEnabled(stdout, env),
    errColor: colorEnabled(stderr, env),
    get outColumns() {
      return stdout.isTTY ? stdout.columns : undefined;
    },
    get outRows() {
      return stdout.isTTY ? stdout.rows : undefined;
    },
    onResize(listener) {
      stdout.on('resize', listener);
      return () => void stdout.off('resize', listener);
    },
    interactive: stdin.isTTY === true,
    env,
    cwd: process.cwd(),
    // The bundle runs itself (`#!/usr/bin/env node`); resolved once, when first asked for.
    get bin() {
      return realpathSync(process.argv[1] ?? 'dispatch');
    },
  };
}
