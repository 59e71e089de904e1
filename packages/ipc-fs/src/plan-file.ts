// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { readFileSync } from 'node:fs';
import { isErrno } from './errors.js';
import { parsePlan } from './plan/parse.js';
import type { Plan } from './plan/types.js';

/** plan.md parsed, or null while it does not exist. */
export async function readPlan(path: string): Promise<Plan | null> {
  try {
    return parsePlan(readFileSync(path, 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}
