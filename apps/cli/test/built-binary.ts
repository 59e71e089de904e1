import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The built `dispatch` binary that end-to-end tests run, as users and scripts do. */
export const bin = new URL('../dist/dispatch.js', import.meta.url).pathname;

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name.endsWith('.test.ts')) continue; // not part of the bundle
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Throws unless the bundle is newer than every source it is built from: a test of a stale build
 * would pass or fail for the wrong reasons (turbo builds first; a bare `vitest run` may not).
 */
export function assertFreshBuild(): void {
  const built = statSync(bin, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error(`${bin} is missing: run \`pnpm build\` first`);
  const root = new URL('../../../', import.meta.url).pathname;
  const sources = [
    join(root, 'apps/cli/src'),
    join(root, 'packages/backends/sim'), // the sim worker, copied beside the bundle
    ...['core', 'ipc-fs', 'backends', 'config', 'runtime'].map((p) => join(root, 'packages', p, 'src')),
  ];
  if (Math.max(...sources.map(newest)) > built)
    throw new Error(`${bin} is older than the sources: run \`pnpm build\` first`);
}
