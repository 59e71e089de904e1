import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveModel } from '@dispatch/config';
import { cannotRun } from './model-cli.js';

/** A config with `ghost` (never installed), `here` (installed in a temp folder) and the given fallback. */
async function setup(fallback: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-model-cli-'));
  writeFileSync(join(dir, 'here-cli'), '#!/bin/sh\n');
  chmodSync(join(dir, 'here-cli'), 0o755);
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `default: ghost-1\nbackends:\n  ghost: { command: "dispatch-test-ghost -p" }\n  here: { command: "here-cli" }\nmodels:\n  ghost-1: { backend: ghost }\n  ghost-2: { backend: ghost }\n  steady: { backend: here }\n${fallback}`,
  );
  const { config } = await loadConfig(file);
  return { config, env: { PATH: `${dir}:/usr/bin:/bin` }, dir };
}

describe('cannotRun', () => {
  it('says the doctor line for a missing CLI with no fallback that can run; nothing when one can', async () => {
    for (const fallback of ['', 'fallback: [ghost-2]\n']) {
      const { config, env, dir } = await setup(fallback);
      expect(cannotRun(config, resolveModel({ config, modelFlag: 'ghost-1' }), env, dir)).toBe(
        `the model ghost-1 cannot run: dispatch-test-ghost is not installed (not on PATH=${env.PATH})`,
      );
    }
    const { config, env, dir } = await setup('fallback: [ghost-1, steady]\n');
    expect(cannotRun(config, resolveModel({ config, modelFlag: 'ghost-1' }), env, dir)).toBeNull();
    expect(cannotRun(config, resolveModel({ config, modelFlag: 'steady' }), env, dir)).toBeNull();
    expect(cannotRun(config, resolveModel({ config, modelFlag: 'sim' }), env, dir)).toBeNull();
  });

  it('never checks a backend whose workers run elsewhere (the executor seam)', async () => {
    const { config, env, dir } = await setup('');
    const remote = (b: { name: string }) => b.name !== 'ghost';
    expect(cannotRun(config, resolveModel({ config, modelFlag: 'ghost-1' }), env, dir, remote)).toBeNull();
  });
});
