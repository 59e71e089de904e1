import { realpathSync } from 'node:fs';
import { dispatchHome } from '@dispatch/config/home';
import { findDispatchDir } from '@dispatch/ipc-fs/paths';
import { ensureDaemon } from './daemon/ensure-daemon.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';

/** Where this command works: the user's dispatch home and the workspace's `.dispatch` directory. */
export interface Workspace {
  home: string;
  dispatchDir: string;
}

/** The workspace of the current directory (DESIGN.md's rule; `$DISPATCH_DIR` wins). */
export function workspaceOf(io: Io): Workspace {
  const home = dispatchHome(io.env);
  return { home, dispatchDir: findDispatchDir(io.cwd, io.env, home) };
}

/** This CLI as one executable path (the bundle runs itself: `#!/usr/bin/env node`). */
export function binPath(): string {
  return realpathSync(process.argv[1] ?? 'dispatch');
}

/** Makes sure the daemon runs (started detached if not), without waiting for it. */
export function ensureDaemonFor(io: Io): Promise<'running' | 'started'> {
  return ensureDaemon(dispatchHome(io.env), binPath(), VERSION, io.env);
}
