import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTaskIds, registryDir } from '@dispatch/ipc-fs';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

/** A new folder holding `ghost-agent`, a worker CLI (the shell worker) installed there only. */
function installGhost(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-ghost-bin-'));
  writeFileSync(join(dir, 'ghost-agent'), `#!/bin/sh\nexec sh ${shellWorker} "$@"\n`);
  chmodSync(join(dir, 'ghost-agent'), 0o755);
  return dir;
}

const config = (command: string, extra = '') => `default: ghost-1
backends:
  ghost: { command: ${JSON.stringify(command)}, model_flag: none }
  shell: { command: "sh ${shellWorker}" }
models:
  ghost-1: { backend: ghost }
  steady: { backend: shell }
${extra}`;

describe('a model whose CLI is not installed', () => {
  it('run refuses it (exit 2, the line doctor says, no task); an inline env PATH= that reaches the CLI runs', async () => {
    const w = e2eWorkspace('missing-cli');
    writeFileSync(join(w.home, 'config.yaml'), config('ghost-agent --yolo'));
    const refused = await w.dispatch(['run', '--model', 'ghost-1', '--id', 'ghosted', 'do it']);
    expect(refused.exitCode).toBe(2);
    const line = `dispatch: the model ghost-1 cannot run: ghost-agent is not installed (not on PATH=${w.env.PATH})`;
    expect(refused.stderr).toBe(line);
    expect(refused.stdout).toBe('');
    expect(await listTaskIds(w.dispatchDir)).toEqual([]);
    expect(existsSync(registryDir(w.home)) ? readdirSync(registryDir(w.home)) : []).toEqual([]);
    const doctor = await w.dispatch(['doctor']);
    expect(doctor.stdout).toContain(`✗ ${line.slice('dispatch: '.length).replace('the model', 'the default model')}`);

    // A fallback model that can run takes over after the failure: run lets the task start.
    writeFileSync(join(w.home, 'config.yaml'), config('ghost-agent --yolo', 'fallback: [steady]\n'));
    const covered = await w.dispatch(['run', '--model', 'ghost-1', '--id', 'covered', '--step', 'One', 'one']);
    expect(covered.exitCode, covered.stderr).toBe(0);
    await until(async () => (await w.state('covered')) === 'completed');

    // Reachable only through the PATH its backend's command sets: found, as the shell will.
    const bin = installGhost();
    writeFileSync(join(w.home, 'config.yaml'), config(`env -u CLAUDECODE PATH=${bin}:$PATH ghost-agent`));
    const ran = await w.dispatch(['run', '--model', 'ghost-1', '--id', 'inline', '--step', 'Do it', 'do it']);
    expect(ran.exitCode, ran.stderr).toBe(0);
    await until(async () => (await w.state('inline')) === 'completed');
    const report = JSON.parse(String((await w.dispatch(['doctor', '--json'])).stdout)) as {
      models: { model: string; installed: boolean }[];
      problems: string[];
    };
    expect(report.models.find((m) => m.model === 'ghost-1')).toMatchObject({ installed: true });
    expect(report.problems).toEqual([]);
  });
});
