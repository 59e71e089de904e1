import { open, stat } from 'node:fs/promises';

/** worker.log is kept under this size: the end of a long run is what explains how it ended. */
export const WORKER_LOG_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Caps a worker log that grew past `max` bytes to its last `keep` bytes, in place (the wrapper
 * appends with O_APPEND, so it goes on writing at the new end; lines written during the cut are
 * the only ones at risk). Returns whether it cut.
 */
export async function capWorkerLog(
  path: string,
  max = WORKER_LOG_MAX_BYTES,
  keep = Math.floor(max * 0.8),
): Promise<boolean> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= max) return false;
  const handle = await open(path, 'r+');
  try {
    const tail = Buffer.alloc(keep);
    const { bytesRead } = await handle.read(tail, 0, keep, size - keep);
    const marker = Buffer.from(`[dispatch: worker.log cut to its last ${keep} bytes]\n`);
    await handle.truncate(0);
    await handle.write(Buffer.concat([marker, tail.subarray(0, bytesRead)]), 0, undefined, 0);
    return true;
  } finally {
    await handle.close();
  }
}
