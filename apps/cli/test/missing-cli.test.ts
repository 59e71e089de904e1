import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRegistrations, listTaskIds, readEventLog, registryDir, taskPaths } from '@dispatch/ipc-fs';
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

interface View {
  id: string;
  state: string;
  error: { kind: string; message: string } | null;
}

describe('a model whose CLI is not installed', () => {
  it('run refuses it (exit 2, the line doctor says, no task); an inline env PATH= that reaches the CLI runs', async () => {
    const w = e2eWorkspace('missing-cli');
    writeFileSync(join(w.home, 'config.yaml'), config('ghost-agent --yolo'));
    const refused = await w.dispatch(['run', '--model', 'ghost-1', '--id', 'ghosted', 'do it']);
    expect(refused.exitCode).toBe(2);
    const line = `dispatch: the model ghost-1 cannot run: ghost-agent is not installed (not on PATH=${w.env.PATH})`;
    expect(refused.stderr).toBe(`${line}; another model can: --model steady`);
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

  it('removed before its turn (--after), the task fails cli-missing naming the PATH; installed elsewhere, retry from that shell completes it', async () => {
    const w = e2eWorkspace('missing-cli-retry');
    writeFileSync(join(w.home, 'config.yaml'), config('ghost-agent --yolo'));
    const first = installGhost();
    const oldPath = `${first}:${w.env.PATH}`;
    await w.start('blocker', 'Hold {ask: Go on?}');
    w.env.PATH = oldPath;
    const run = await w.dispatch([
      'run',
      '--after',
      'blocker',
      '--model',
      'ghost-1',
      '--id',
      'work',
      '--step',
      'Do it',
      'w',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    rmSync(first, { recursive: true }); // uninstalled while the task waits its turn
    await until(async () => (await w.state('blocker')) === 'awaiting-answer');
    expect((await w.dispatch(['answer', 'blocker', 'yes'])).exitCode).toBe(0);
    const failed = await until(async () => {
      const views = JSON.parse(String((await w.dispatch(['status', '--json'])).stdout)) as View[];
      const view = views.find((v) => v.id === 'work');
      return view?.state === 'failed' ? view : null;
    });
    expect(failed.error).toMatchObject({ kind: 'cli-missing' });

    // Installed into another folder; the shell that has it on its PATH retries.
    const second = installGhost();
    w.env.PATH = `${second}:${process.env.PATH}`;
    w.env.SHELL_SECRET = 'not for workers'; // not on the allow-list: never stored
    const retry = await w.dispatch(['retry', 'work']);
    expect(retry.exitCode, retry.stderr).toBe(0);
    // The second attempt ends either way: the worker must have found the new install.
    const ended = async () =>
      (await readEventLog(taskPaths(w.dispatchDir, 'work').events)).events.filter((e) => e.type === 'worker.exited')
        .length;
    await until(async () => (await w.state('work')) === 'completed' || (await ended()) >= 2);
    expect(await w.state('work')).toBe('completed');
    expect(failed.error!.message).toContain(`ghost-agent: command not found on PATH=${oldPath} — install it`);
    expect(readFileSync(taskPaths(w.dispatchDir, 'work').plan, 'utf8')).toMatch(/^- \[x\] Do it/m);
    const stored = (await listRegistrations(w.home)).find((r) => r.id === 'work')!.env;
    expect(stored.PATH).toBe(w.env.PATH);
    expect(stored).not.toHaveProperty('SHELL_SECRET');
  });
});
