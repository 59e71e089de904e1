import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

describe('a worker lost while no daemon ran (a reboot, its wrapper killed)', () => {
  it('is recorded as lost and the task fails with kind interrupted', async () => {
    const w = e2eWorkspace('interrupted');
    await w.start('lost', 'think {sleep: 120}', 'write');
    const pidFile = join(w.dispatchDir, 'tasks/lost/attempts/1.pid');
    await until(() => existsSync(pidFile));
    expect((await w.dispatch(['daemon', 'stop'])).exitCode).toBe(0);
    // Wrapper first, then the worker's group, as in a reboot: nobody is left to write the exit record.
    process.kill(
      Number(readFileSync(join(w.dispatchDir, 'tasks/lost/attempts/1.wrapper'), 'utf8').split(' ')[0]),
      'SIGKILL',
    );
    process.kill(-Number(readFileSync(pidFile, 'utf8').split(' ')[0]), 'SIGKILL');
    expect((await w.dispatch(['daemon', 'start'])).exitCode).toBe(0);
    await until(async () => (await w.state('lost')) === 'failed');
    const view = JSON.parse(String((await w.dispatch(['status', 'lost', '--json'])).stdout)) as {
      error: { kind: string; message: string };
    };
    expect(view.error).toEqual({ kind: 'interrupted', message: expect.stringMatching(/^the worker was lost/) });
    expect(JSON.parse(readFileSync(join(w.dispatchDir, 'tasks/lost/attempts/1.exit'), 'utf8'))).toMatchObject({
      lost: true,
    });
  });
});
