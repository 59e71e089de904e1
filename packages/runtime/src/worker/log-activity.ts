import { open, stat } from 'node:fs/promises';
import { parseWorkerLine } from '@dispatch/backends';

/**
 * When a worker last showed a sign of work in its structured output (a tool call, a message, a
 * turn's end) — not merely printed something: codex prints "Reconnecting..." forever when the
 * network is gone, which is no progress. Reads only what was appended since the last look.
 */
export class LogActivity {
  private offset = 0;
  private carry = '';
  private lastEventAt: number | null = null;

  constructor(private readonly path: string) {}

  /** The time of the last structured event seen (`now` when it was seen in this look), or null if none yet. */
  async lastEvent(now: number): Promise<number | null> {
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size < this.offset) {
      this.offset = 0; // cut to its tail by the daemon: read the rest anew
      this.carry = '';
    }
    if (size > this.offset) {
      const handle = await open(this.path, 'r');
      try {
        const length = Math.min(size - this.offset, 4 * 1024 * 1024);
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, size - length);
        this.offset = size;
        const lines = (this.carry + buf.subarray(0, bytesRead).toString('utf8')).split('\n');
        this.carry = lines.pop() ?? '';
        if (lines.some((line) => parseWorkerLine(line).length > 0)) this.lastEventAt = now;
      } finally {
        await handle.close();
      }
    }
    return this.lastEventAt;
  }
}
