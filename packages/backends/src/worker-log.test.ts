import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capWorkerLog } from './index.js';

describe('capWorkerLog', () => {
  it('keeps a small log as it is and cuts a large one to its end', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dispatch-log-')), 'worker.log');
    writeFileSync(path, 'short\n');
    expect(await capWorkerLog(path, 100, 50)).toBe(false);
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}\n`).join('');
    writeFileSync(path, lines);
    expect(await capWorkerLog(path, 100, 50)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('[dispatch: worker.log cut to its last 50 bytes]\n')).toBe(true);
    expect(text.endsWith('line 098\nline 099\n')).toBe(true);
    expect(text.length).toBeLessThan(120);
  });

  it('a missing log is nothing to cut', async () => {
    expect(await capWorkerLog('/nonexistent/worker.log')).toBe(false);
  });
});
