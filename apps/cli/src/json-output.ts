import type { Io } from './io.js';

/**
 * The `--json` convention: one JSON document on one line of stdout, nothing else there (so `wait
 * --json` is one line and `jq` reads every command alike). Human notes go to stderr.
 */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}
