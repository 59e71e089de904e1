import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from './workspace.js';

/** How the daemon follows a workspace, as it last wrote in `$DISPATCH_HOME/daemon-health.json`. */
export interface WatchHealth {
  watching: boolean;
  degraded: boolean;
  /** Facts found first by the watcher, and first by a scan (what the watcher missed). */
  facts: { fromWatcher: number; fromScan: number };
}

/**
 * What the live daemon last said about `ws`'s workspace, or null (no daemon wrote it yet). It
 * writes the file when something in it changes, checking every 0.5 s.
 * @example const before = watchHealth(ws)?.facts.fromScan ?? 0
 */
export function watchHealth(ws: Workspace): WatchHealth | null {
  try {
    const data = JSON.parse(readFileSync(join(ws.home, 'daemon-health.json'), 'utf8')) as {
      workspaces: (WatchHealth & { dispatchDir: string })[];
    };
    const mine = data.workspaces.find((h) => h.dispatchDir === ws.dispatchDir);
    return mine
      ? { watching: mine.watching, degraded: mine.degraded, facts: mine.facts ?? { fromWatcher: 0, fromScan: 0 } }
      : null;
  } catch {
    return null;
  }
}
