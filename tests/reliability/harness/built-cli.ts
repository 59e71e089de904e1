import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = new URL('../../../', import.meta.url).pathname;

/** The built `dispatch` binary the scenarios run, as users, scripts and workers do. */
export const dispatchBin = join(repoRoot, 'apps/cli/dist/dispatch.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.endsWith('.test.ts')) continue; // not part of the bundle
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Throws unless the bundle is newer than every source it is built from: a scenario run against a
 * stale build would pass or fail for the wrong reasons (`pnpm test:reliability` builds first).
 */
export function assertFreshBuild(): void {
  const built = statSync(dispatchBin, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error(`${dispatchBin} is missing: run \`pnpm build\` first`);
  const sources = [
    join(repoRoot, 'apps/cli/src'),
    ...['core', 'ipc-fs', 'backends', 'config', 'runtime'].map((p) => join(repoRoot, 'packages', p, 'src')),
  ];
  if (Math.max(...sources.map(newest)) > built)
    throw new Error(`${dispatchBin} is older than the sources: run \`pnpm build\` first`);
}
