/**
 * What the core bundle has in place of a command module only the full bundle holds (build.mjs
 * generates one export like this per export of that module): running it hands the whole command
 * line over to the full bundle (launcher.ts) and returns its exit status.
 */
export function handOver(): Promise<number> {
  const run = (globalThis as Record<symbol, unknown>)[Symbol.for('dispatch.handOver')];
  if (typeof run !== 'function') throw new Error('this command needs the full bundle: run dist/dispatch.js');
  return (run as () => Promise<number>)();
}
