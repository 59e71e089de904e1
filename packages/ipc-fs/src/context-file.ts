import { writeFileAtomic } from './atomic-write.js';
import { isErrno } from './errors.js';
import type { TaskPaths } from './paths.js';
import { readDataFile } from './safe-read.js';

/**
 * Saves the worker's context dump (`context.md`): what it knew and was doing when an answer did
 * not come in time, so the worker that continues the task starts where it stopped.
 */
export async function writeContext(paths: TaskPaths, text: string): Promise<void> {
  await writeFileAtomic(paths.context, text.endsWith('\n') ? text : `${text}\n`);
}

/** The worker's context dump, or null when it wrote none. */
export async function readContext(paths: TaskPaths): Promise<string | null> {
  try {
    return await readDataFile(paths.context);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}
