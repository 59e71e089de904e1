import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registryDir, workspaceKey } from '@dispatch/ipc-fs';
import { deriveTask } from '@dispatch/runtime';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);

/** Only what a shell needs: a DISPATCH_* variable of the environment running the tests must not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 30_000, interval: 50 });
const homes: string[] = [];

afterEach(async () => {
  for (const home of homes.splice(0))
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

/** A workspace with four tasks: completed, blocked, hanging (live), and one copied in by hand. */
async function workspaceWithTasks() {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-clean-home-'));
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-clean-ws-'));
  homes.push(home);
  const env = {
    ...BASE_ENV,
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(ws, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    NO_COLOR: '1',
  };
  const dispatch = (...args: string[]) =>
    execa('node', [bin, ...args], { cwd: ws, env, extendEnv: false, reject: false });
  const dispatchDir = join(ws, '.dispatch');
  const stateIs = (id: string, state: string) => until(async () => (await deriveTask(dispatchDir, id)).state === state);
  for (const [id, step] of [
    ['done', 'scan'],
    ['stuck', 'pick {block: Which database?}'],
    ['live', 'wait {hang}'],
  ] as const) {
    const r = await dispatch('run', '--model', 'sim', '--id', id, '--step', step, 'clean test');
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const copied = join(dispatchDir, 'tasks', 'copied');
  mkdirSync(copied, { recursive: true });
  writeFileSync(
    join(copied, 'task.json'),
    JSON.stringify({ id: 'copied', model: 'sim', createdAt: '2026-01-01T00:00:00.000Z' }),
  );
  writeFileSync(join(copied, 'plan.md'), '# copied\n\n- [ ] scan\n');
  await Promise.all([stateIs('done', 'completed'), stateIs('stuck', 'blocked'), stateIs('live', 'running')]);
  const registrations = () => readdirSync(join(registryDir(home), workspaceKey(dispatchDir))).sort();
  const tasks = () => readdirSync(join(dispatchDir, 'tasks')).sort();
  return { dispatch, stateIs, registrations, tasks };
}

describe('dispatch clean', () => {
  it('never removes a live task; --finished, --all and ID remove the rest with their registrations', async () => {
    const w = await workspaceWithTasks();
    expect(w.registrations()).toEqual(['done.json', 'live.json', 'stuck.json']);

    const refused = await w.dispatch('clean', 'live');
    expect([refused.exitCode, refused.stderr]).toEqual([
      2,
      'dispatch: task live is live (it is running); cancel it first: dispatch cancel live',
    ]);
    expect(w.tasks()).toEqual(['copied', 'done', 'live', 'stuck']);

    const finished = await w.dispatch('clean', '--finished');
    expect([finished.exitCode, finished.stdout, finished.stderr]).toEqual([
      0,
      'removed done (completed)',
      'kept live: it is running',
    ]);
    expect(w.tasks()).toEqual(['copied', 'live', 'stuck']);
    expect(w.registrations()).toEqual(['live.json', 'stuck.json']);

    const all = await w.dispatch('clean', '--all');
    expect([all.exitCode, all.stderr]).toEqual([0, 'kept live: it is running']);
    expect(all.stdout.split('\n').sort()).toEqual(['removed copied (queued)', 'removed stuck (blocked)']);
    expect(w.tasks()).toEqual(['live']);
    expect(w.registrations()).toEqual(['live.json']);

    expect((await w.dispatch('cancel', 'live')).exitCode).toBe(0);
    await w.stateIs('live', 'cancelled');
    const one = await w.dispatch('clean', 'live');
    expect([one.exitCode, one.stdout]).toEqual([0, 'removed live (cancelled)']);
    expect(w.tasks()).toEqual([]);
    expect(w.registrations()).toEqual([]);

    const nothing = await w.dispatch('clean');
    expect([nothing.exitCode, nothing.stdout]).toEqual([0, 'nothing to clean']);
    const unknown = await w.dispatch('clean', 'live');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^dispatch: no task live in [^\n]*$/);
    const both = await w.dispatch('clean', 'done', '--all');
    expect([both.exitCode, both.stderr]).toEqual([2, 'dispatch: give one of ID, --finished or --all']);
  });
});
