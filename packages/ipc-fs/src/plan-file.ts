import { readFile } from 'node:fs/promises';
import { isErrno } from './errors.js';
import { parsePlan } from './plan/parse.js';
import type { Plan } from './plan/types.js';

/** plan.md parsed, or null while it does not exist. */
export async function readPlan(path: string): Promise<Plan | null> {
  try {
    return parsePlan(await readFile(path, 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}
