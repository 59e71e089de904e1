import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

describe('the built-in sim model with no config at all', () => {
  it('"use sim to ..." in a bare prompt works as --model sim does; another model still asks for dispatch init', async () => {
    const w = e2eWorkspace('sim-no-config');
    expect(existsSync(join(w.home, 'config.yaml'))).toBe(false);
    const r = await w.dispatch(['use sim to scan the repository', '--id', 'scan']);
    expect([r.exitCode, r.stderr]).toEqual([0, 'using sim (built-in)']);
    expect(r.stdout).toMatch(/^scan {2}sim {2}1 item /);
    await until(async () => (await w.state('scan')) === 'completed');

    const other = await w.dispatch(['use opus to scan the repository']);
    expect([other.exitCode, other.stderr]).toEqual([
      2,
      expect.stringMatching(/^dispatch: no config at .*: run `dispatch init`/) as unknown as string,
    ]);
  });
});
