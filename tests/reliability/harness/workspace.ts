import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { isSameProcess } from '@dispatch/backends';
import { FINAL_STATES, type TaskState } from '@dispatch/core';
import {
  listAttempts,
  listTaskIds,
  readPidRecord,
  readWrapperRecord,
  taskPaths,
  writeRequest,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import { dispatchBin } from './built-cli.js';
import { leftoverGroupMembers } from './processes.js';
import { waitFor } from './wait-for.js';
import { deriveTask } from '@dispatch/runtime';

/** What `$DISPATCH_HOME/daemon.json` says about a live daemon. */
export interface DaemonInfo {
  pid: number;
  startTime: string;
}

/** How a scenario's workspace is set up. */
export interface WorkspaceOptions {
  /** Extra environment for every command (and so for the daemon and workers they start). */
  env?: Record<string, string>;
  /** `$DISPATCH_HOME/config.yaml`, when the scenario needs models besides the built-in `sim`. */
  config?: string;
}

/** A temp workspace with its own `DISPATCH_HOME`, and the built CLI and daemon that serve it. */
export interface Workspace {
  /** The workspace folder (the cwd of every command). */
  dir: string;
  /** Its `DISPATCH_HOME`: config, registry, daemon.json, daemon.log. */
  home: string;
  /** `<dir>/.dispatch`. */
  dispatchDir: string;
  /** The exact environment commands run with (PATH and HOME from the test, no stray DISPATCH_*). */
  env: Record<string, string>;
  /** Runs the built `dispatch` here (never rejects: look at `exitCode`). */
  dispatch(args: string[], options?: { env?: Record<string, string>; input?: string }): Promise<Result>;
  /** `dispatch run --model M --id ID --step S...`; throws unless it exits 0. */
  run(
    id: string,
    steps: string[],
    options?: { model?: string; env?: Record<string, string>; args?: string[] },
  ): Promise<void>;
  /** A task's file paths. */
  paths(id: string): TaskPaths;
  /** Every task id in the workspace. */
  taskIds(): Promise<string[]>;
  /** A task's state as `status` derives it (log + facts on disk). */
  state(id: string): Promise<TaskState>;
  /** The live daemon from `daemon.json`, or null (none, or the recorded one is gone). */
  daemon(): DaemonInfo | null;
  /** `dispatch daemon start` (with extra env), then waits until a daemon is up. */
  startDaemon(env?: Record<string, string>): Promise<DaemonInfo>;
  /** `kill -9` of the live daemon; returns its pid, or null when none ran. */
  killDaemon(): number | null;
  /** `dispatch daemon stop`, then waits until it is gone. */
  stopDaemon(): Promise<void>;
  /** Cancels what is still live, waits for every task to be final, stops the daemon, removes the folders. */
  dispose(): Promise<void>;
}

/**
 * Creates a scenario's workspace: a temp folder and a temp `DISPATCH_HOME`, with the built CLI run
 * there as users and scripts run it. Sim workers step every 0.05 s and the daemon exits after 3 s
 * idle unless `env` says otherwise. Set `RELIABILITY_KEEP=1` to keep the folders for a post-mortem.
 * @example const ws = createWorkspace('steady'); await ws.run('t1', ['a {ask: why?}']);
 */
export function createWorkspace(name: string, options: WorkspaceOptions = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `rel-${name}-`));
  const home = mkdtempSync(join(tmpdir(), `rel-${name}-home-`));
  if (options.config !== undefined) writeFileSync(join(home, 'config.yaml'), options.config);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISPATCH_HOME: home,
    // Pinned: a stray .dispatch or .git in a parent (/tmp is shared) must not capture the workspace.
    DISPATCH_DIR: join(dir, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    ...options.env,
  };
  const dispatchDir = join(dir, '.dispatch');
  // Made now, as the first `run` would: scenarios may plant files in it before any run.
  mkdirSync(dispatchDir, { mode: 0o700 });
  // Set once dispose is killing everything: a timed-out scenario's body still running must not
  // start a daemon or a task again behind it.
  let closed = false;
  const dispatch: Workspace['dispatch'] = (args, opts = {}) => {
    if (closed) throw new Error(`workspace ${dir} is disposed: not running dispatch ${args.join(' ')}`);
    return execa('node', [dispatchBin, ...args], {
      cwd: dir,
      reject: false,
      extendEnv: false,
      env: { ...env, ...opts.env },
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
    });
  };
  const daemon = (): DaemonInfo | null => {
    try {
      const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as DaemonInfo;
      return isSameProcess(info.pid, info.startTime) ? info : null;
    } catch {
      return null;
    }
  };
  const state = async (id: string) => (await deriveTask(dispatchDir, id)).state;
  const ws: Workspace = {
    dir,
    home,
    dispatchDir,
    env,
    dispatch,
    async run(id, steps, opts = {}) {
      const args = [
        'run',
        '--model',
        opts.model ?? 'sim',
        '--id',
        id,
        ...steps.flatMap((s) => ['--step', s]),
        ...(opts.args ?? []),
        `task ${id}`,
      ];
      const r = await dispatch(args, opts.env ? { env: opts.env } : {});
      if (r.exitCode !== 0) throw new Error(`dispatch run ${id} exited ${r.exitCode}: ${String(r.stderr)}`);
    },
    paths: (id) => taskPaths(dispatchDir, id),
    taskIds: () => listTaskIds(dispatchDir),
    state,
    daemon,
    async startDaemon(extra = {}) {
      const r = await dispatch(['daemon', 'start'], { env: extra });
      if (r.exitCode !== 0) throw new Error(`dispatch daemon start exited ${r.exitCode}: ${String(r.stderr)}`);
      return waitFor(daemon, { what: `a daemon in ${home}` });
    },
    killDaemon() {
      const info = daemon();
      if (!info) return null;
      process.kill(info.pid, 'SIGKILL');
      return info.pid;
    },
    async stopDaemon() {
      await dispatch(['daemon', 'stop']);
      await waitFor(() => daemon() === null, { what: 'the daemon to stop' });
    },
    async dispose() {
      // The polite way first: cancel what is live and let a daemon apply it. A scenario that
      // timed out may have left hundreds of busy tasks, so this is bounded, and whatever is still
      // running afterwards is killed: a failed scenario must not load the ones after it.
      let failure: unknown;
      try {
        const ids = await listTaskIds(dispatchDir);
        const live: string[] = [];
        for (const id of ids) if (!FINAL_STATES.includes(await state(id))) live.push(id);
        for (const id of live) await writeRequest(taskPaths(dispatchDir, id).requests, { type: 'cancel' });
        if (live.length > 0) {
          await ws.startDaemon(); // a scenario that failed half-way may have left none to apply them
          await waitFor(async () => (await Promise.all(live.map(state))).every((s) => FINAL_STATES.includes(s)), {
            timeoutMs: 40_000,
            what: 'the clean-up cancels',
          });
        }
        if (daemon()) await ws.stopDaemon();
      } catch (err) {
        failure = err;
      } finally {
        closed = true;
        await killEverything(dispatchDir, daemon);
      }
      if (failure) throw failure;
      if (process.env.RELIABILITY_KEEP !== '1') {
        for (const path of [dir, home]) {
          try {
            rmSync(path, { recursive: true, force: true });
          } catch (err) {
            // Something still writes there: name it, so the leak is found, not the symptom.
            throw new Error(
              `${path} could not be removed (${(err as Error).message}); it holds: ${readdirSync(path, { recursive: true }).join(', ')}`,
            );
          }
        }
      }
    },
  };
  return ws;
}

/**
 * `kill -9` of the workspace's daemon, every worker's process group and every wrapper still
 * running: the last resort of `dispose`, after the polite cancel (which may have timed out).
 */
async function killEverything(dispatchDir: string, daemon: () => DaemonInfo | null): Promise<void> {
  const kill = (pid: number) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const info = daemon();
  if (info) kill(info.pid);
  for (const id of await listTaskIds(dispatchDir)) {
    const attempts = taskPaths(dispatchDir, id).attempts;
    for (const n of await listAttempts(attempts)) {
      const pid = await readPidRecord(attempts, n);
      if (pid) for (const member of leftoverGroupMembers(pid)) kill(member);
      const wrapper = await readWrapperRecord(attempts, n);
      if (wrapper && isSameProcess(wrapper.pid, wrapper.startTime)) kill(wrapper.pid);
    }
  }
}
