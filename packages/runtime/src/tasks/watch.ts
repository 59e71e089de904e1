// @dispatch/runtime/watch: following a workspace's changes, apart from the front door so that a
// command loads the watcher (chokidar) only when it waits or watches.
export { waitFor, watchChanges, untilInterrupted } from './watch-changes.js';
export type { WaitForOptions, WatchChangesOptions, ChangeWatch } from './watch-changes.js';
