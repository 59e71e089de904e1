import { runtimeBin } from '@dispatch/runtime';
import type { Io } from './io.js';

/** An Io that records output, for tests of commands and of the program: no terminal, no colour. */
export interface MemoryIo extends Io {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** A fresh MemoryIo; `overrides` sets colour, width or environment. */
export function createMemoryIo(overrides: Partial<Io> = {}): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    outColor: false,
    errColor: false,
    outColumns: undefined,
    interactive: false,
    env: {},
    cwd: process.cwd(),
    bin: runtimeBin(),
    ...overrides,
  };
}
