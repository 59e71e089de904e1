// @dispatch/runtime/daemon: the daemon itself, apart from the front door so that only the process
// that becomes the daemon loads it (short commands never do).
export { hostDaemon } from './daemon.js';
export type { DaemonOptions } from './daemon.js';
export { runDaemonProcess } from './run-daemon.js';
