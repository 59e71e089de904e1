import { appendFileSync } from 'node:fs';

/**
 * A test knob (`DISPATCH_BLOCK_LOOP_MS=<ms>`): SIGWINCH then makes the daemon block its own
 * event loop that long, as a long synchronous stretch would, so a test can make inotify drop
 * events while nothing reads them. It notes the blocked span in `log` (synchronously, before
 * blocking) so the test knows when the loop runs again. Unset (always, outside tests): no
 * listener is installed and SIGWINCH keeps its default (ignored). Returns the uninstaller.
 */
export function installLoopBlocker(log: string): () => void {
  const ms = Number(process.env.DISPATCH_BLOCK_LOOP_MS);
  if (!(ms > 0)) return () => undefined;
  const block = () => {
    const from = Date.now();
    appendFileSync(log, `${new Date(from).toISOString()} test knob: event loop blocked from ${from} to ${from + ms}\n`);
    while (Date.now() < from + ms) {
      // busy: nothing else may run on this loop now
    }
  };
  process.on('SIGWINCH', block);
  return () => process.off('SIGWINCH', block);
}
