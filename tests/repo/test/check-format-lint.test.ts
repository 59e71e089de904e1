import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/workspace.mjs';

// Biome formats and lints the whole repository (biome.json at the root); `pnpm format` fixes
// what it can. Run here so that `pnpm test`, and so CI, fail on an unformatted or unlinted file.
describe('the repository: formatted and lint-clean', () => {
  it('biome check finds nothing to change', () => {
    const biome = join(repoRoot, 'node_modules/.bin/biome');
    const r = spawnSync(biome, ['check', '--reporter=summary', '--max-diagnostics=20', '.'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.error, `cannot run ${biome}: pnpm install first`).toBeUndefined();
    expect(r.status, `${r.stdout}\n${r.stderr}\nrun \`pnpm format\` to fix what it can`).toBe(0);
  });
});
