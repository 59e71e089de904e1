import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Waits (up to `timeoutMs`) until the daemon has applied request `name`: it removes the file only
 * after logging what it did. So once `dispatch retry` returns, the next `status` or `wait` sees
 * the retried task, not the failure it was retried for. False when the daemon has not got to it
 * yet (it still will).
 */
export async function requestApplied(requestsDir: string, name: string, timeoutMs = 10_000): Promise<boolean> {
  const path = join(requestsDir, name);
  const end = Date.now() + timeoutMs;
  while (existsSync(path)) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
