// @dispatch/runtime/watch: following a workspace's changes, apart from the front door so that a
// command loads the watcher only when it watches. `waitFor` is at the front door too:
// it loads the watcher only when what it waits for does not hold yet.
export { untilInterrupted, waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export { watchChanges } from './watch-changes.js';
export type { WatchChangesOptions, ChangeWatch } from './watch-changes.js';
