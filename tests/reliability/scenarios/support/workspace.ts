import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { listTaskIds, taskPaths, writeRequest } from '@dispatch/ipc-fs';
import { deriveTask } from '@dispatch/runtime';

/** The built CLI the scenarios run, as users and scripts do. */
export const bin = new URL('../../../../apps/cli/dist/dispatch.js', import.meta.url).pathname;

const FINAL = ['completed', 'cancelled'];

/** A scenario's temp workspace with its own DISPATCH_HOME, the built CLI run there, and its tasks. */
export interface ScenarioWorkspace {
  dir: string;
  home: string;
  dispatchDir: string;
  env: Record<string, string>;
  dispatch(args: string[], extra?: { env?: Record<string, string> }): ReturnType<typeof execa>;
  state(id: string): Promise<string>;
  writeConfig(yaml: string): void;
  /** Cancels what is still live, stops the daemon and removes the temp folders. */
  dispose(): Promise<void>;
}

/** Polls `probe` until it returns a truthy value, or throws after `timeoutMs` (never a fixed sleep). */
export async function until<T>(probe: () => T | Promise<T>, timeoutMs = 60_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates a scenario workspace; `name` shows in the temp folders' names. */
export function scenarioWorkspace(name: string, root: string = tmpdir()): ScenarioWorkspace {
  const dir = mkdtempSync(join(root, `dispatch-${name}-`));
  const home = mkdtempSync(join(tmpdir(), `dispatch-${name}-home-`));
  const dispatchDir = join(dir, '.dispatch');
  // DISPATCH_DIR pinned: temp folders are outside any git repository, so the CLI would otherwise
  // take a `.dispatch/` that something else left in an ancestor (a stray /tmp/.dispatch) as ours.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISPATCH_HOME: home,
    DISPATCH_DIR: dispatchDir,
    DISPATCH_DAEMON_IDLE_MS: '3000',
    NO_COLOR: '1',
  };
  const dispatch = (args: string[], extra: { env?: Record<string, string> } = {}) =>
    execa('node', [bin, ...args], { cwd: dir, env: { ...env, ...extra.env }, extendEnv: false, reject: false });
  const state = async (id: string) => (await deriveTask(dispatchDir, id)).state;
  const writeConfig = (yaml: string) => writeFileSync(join(home, 'config.yaml'), yaml);
  const dispose = async () => {
    const ids = await listTaskIds(dispatchDir).catch(() => [] as string[]);
    for (const id of ids) {
      const live = await state(id).then(
        (s) => !FINAL.includes(s),
        () => false,
      );
      if (live) await writeRequest(taskPaths(dispatchDir, id).requests, { type: 'cancel' }).catch(() => undefined);
    }
    if (ids.length > 0) {
      await dispatch(['daemon', 'start']);
      await until(
        async () =>
          (await Promise.all(ids.map((id) => state(id).catch(() => 'completed')))).every((s) => FINAL.includes(s)),
        30_000,
        'the tasks to end',
      ).catch(() => undefined);
    }
    await dispatch(['daemon', 'stop']);
    // DISPATCH_KEEP_SCENARIO=1 keeps the folders to look into after a run (the daemon's log, the task files).
    if (process.env.DISPATCH_KEEP_SCENARIO === '1') return void process.stdout.write(`kept ${dir} and ${home}\n`);
    // Retried: a file that appears during the removal (seen in CI: a worker still ending, or one
    // whose `dispatch ask` started a daemon again) must not fail the scenario — the checks are
    // over; a folder that still cannot go is said, and left.
    const remove = (path: string) => {
      try {
        rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (err) {
        process.stderr.write(`warning: could not remove ${path}: ${(err as Error).message}\n`);
      }
    };
    remove(dir);
    await dispatch(['daemon', 'stop']);
    remove(home);
  };
  return { dir, home, dispatchDir, env, dispatch, state, writeConfig, dispose };
}
