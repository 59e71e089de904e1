import { isErrno } from './errors.js';
import type { TaskPaths } from './paths.js';
import { readDataFile } from './safe-read.js';

/** The worker's final artifact, output.md, or null when it wrote none. */
export async function readTaskOutput(paths: Pick<TaskPaths, 'output'>): Promise<string | null> {
  return readDataFile(paths.output).catch((err: unknown) => (isErrno(err, 'ENOENT') ? null : Promise.reject(err)));
}
