import { readFile } from 'node:fs/promises';
import { isErrno } from './errors.js';
import type { TaskPaths } from './paths.js';

/** The worker's final artifact, output.md, or null when it wrote none. */
export async function readTaskOutput(paths: Pick<TaskPaths, 'output'>): Promise<string | null> {
  return readFile(paths.output, 'utf8').catch((err: unknown) => (isErrno(err, 'ENOENT') ? null : Promise.reject(err)));
}
