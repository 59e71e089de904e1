import { dispatchHome } from '@dispatch/config';
import { findDispatchDir } from '@dispatch/ipc-fs';
import type { Caller } from './caller.js';
import { ensureDaemon } from './daemon/ensure-daemon.js';

/** Where a caller works: the user's dispatch home and the workspace's `.dispatch` directory. */
export interface Workspace {
  home: string;
  dispatchDir: string;
}

/** The caller's workspace (DESIGN.md's rule; `$DISPATCH_DIR` wins). */
export function workspaceOf(caller: Caller): Workspace {
  const home = dispatchHome(caller.env);
  return { home, dispatchDir: findDispatchDir(caller.cwd, caller.env, home) };
}

/**
 * The runtime's own executable (`dist/bin/dispatch-runtime.js`: `daemon run` and `ask`), for a
 * daemon an embedding app starts; from the sources too, since node cannot run them directly.
 */
export function runtimeBin(): string {
  const fromSource = import.meta.url.endsWith('.ts'); // this module, run from src/ by tests
  return new URL(fromSource ? '../dist/bin/dispatch-runtime.js' : './bin/dispatch-runtime.js', import.meta.url)
    .pathname;
}

/** Makes sure the daemon runs (started detached if not), without waiting for it. */
export function ensureDaemonFor(caller: Caller): Promise<'running' | 'started'> {
  return ensureDaemon(dispatchHome(caller.env), caller.bin ?? runtimeBin(), caller.env);
}
