// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { isErrno } from './errors.js';
import { parsePlan } from './plan/parse.js';
import type { Plan } from './plan/types.js';
import { readDataFileSync } from './safe-read.js';

/** plan.md parsed, or null while it does not exist. */
export async function readPlan(path: string): Promise<Plan | null> {
  try {
    return parsePlan(readDataFileSync(path));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}
