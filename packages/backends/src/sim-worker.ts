import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './shell.js';

const FILE = 'dispatch-sim-worker.sh';

/**
 * Path of the simulated worker — a TEST DOUBLE of a worker CLI, written in plain sh, behind the
 * built-in `sim` model. It is in `sim/` beside this package's `src/` and `dist/`, and the CLI's
 * build copies it to `dist/sim/` beside its bundles.
 */
export function simWorkerPath(): string {
  for (const candidate of [`../sim/${FILE}`, `./sim/${FILE}`]) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`${FILE} is missing from this installation`);
}

/** The backend command that runs the simulated worker. */
export function simWorkerCommand(): string {
  return `sh ${shellQuote(simWorkerPath())}`;
}
