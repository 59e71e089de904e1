import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, vi } from 'vitest';
import { FINAL_STATES, replay, stateOf, type TaskState } from '@dispatch/core';
import { listTaskIds, readEventLog, taskPaths, toMachineEvents, writeRequest } from '@dispatch/ipc-fs';
import { bin } from './built-binary.js';
import { deriveTask } from '@dispatch/runtime';

/** A test workspace: its folder and home, and the CLI and task state in it. */
export interface E2eWorkspace {
  dir: string;
  home: string;
  env: Record<string, string>;
  dispatchDir: string;
  dispatch(args: string[]): ReturnType<typeof dispatchIn>;
  state(id: string): Promise<TaskState>;
  start(id: string, ...steps: string[]): Promise<void>;
  daemonRunning(): Promise<boolean>;
}

/** The built CLI run in `dir` with exactly `env`. */
function dispatchIn(dir: string, env: Record<string, string>, args: string[]) {
  return execa('node', [bin, ...args], { cwd: dir, reject: false, extendEnv: false, env });
}

/** Waits for a condition (never a fixed sleep); resolves with its first truthy value. */
export const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 20_000, interval: 25 });

/**
 * A temp workspace with its own DISPATCH_HOME, and the built `dispatch` run there with only
 * PATH and HOME from the test's environment (no stray DISPATCH_* variable leaks in). Everything
 * it started is cancelled and its daemon stopped after the test (see `cleanUpWorkspaces`).
 */
export function e2eWorkspace(name: string): E2eWorkspace {
  const dir = mkdtempSync(join(tmpdir(), `dispatch-${name}-`));
  const home = mkdtempSync(join(tmpdir(), `dispatch-${name}-home-`));
  const dispatchDir = join(dir, '.dispatch');
  // DISPATCH_DIR pins the workspace: a stray .dispatch or .git in a parent (/tmp is shared) must not capture it.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISPATCH_HOME: home,
    DISPATCH_DIR: dispatchDir,
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
  };
  const dispatch = (args: string[]) => dispatchIn(dir, env, args);
  const state = async (id: string) => (await deriveTask(dispatchDir, id)).state;
  const start = async (id: string, ...steps: string[]) => {
    const r = await dispatch([
      'run',
      '--model',
      'sim',
      '--id',
      id,
      ...steps.flatMap((s) => ['--step', s]),
      `task ${id}`,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
  };
  const daemonRunning = async () =>
    (JSON.parse(String((await dispatch(['daemon', 'status', '--json'])).stdout)) as { running: boolean }).running;
  const ws = { dir, home, env, dispatchDir, dispatch, state, start, daemonRunning };
  made.push(ws);
  return ws;
}

const made: E2eWorkspace[] = [];

/** Registers the after-each clean-up: cancel what is still live, then stop the daemon, so no worker outlives a test. */
export function cleanUpWorkspaces(): void {
  afterEach(async () => {
    for (const ws of made.splice(0)) {
      const ids = await listTaskIds(ws.dispatchDir);
      for (const id of ids)
        if (!FINAL_STATES.includes(await ws.state(id)))
          await writeRequest(taskPaths(ws.dispatchDir, id).requests, { type: 'cancel' });
      await ws.dispatch(['daemon', 'start']); // a test that failed half-way may have left none to apply them
      await until(async () => (await Promise.all(ids.map(ws.state))).every((s) => FINAL_STATES.includes(s)));
      await ws.dispatch(['daemon', 'stop']);
    }
  });
}

/** The state a task's log alone replays to, or null while it has no log yet (safe in a wait probe). */
export async function loggedState(eventsPath: string): Promise<string | null> {
  const { events } = await readEventLog(eventsPath);
  return events[0]?.type === 'task.created' ? stateOf(replay(toMachineEvents(events))) : null;
}
