import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markAttemptLogStart, readAttemptLogTail, taskPaths } from '@dispatch/ipc-fs';
import { classifyExit, classifyStuckWorker } from './classify-exit.js';

function task() {
  const paths = taskPaths(mkdtempSync(join(tmpdir(), 'dispatch-classify-')), 'retried');
  mkdirSync(paths.attempts, { recursive: true });
  return paths;
}
const claim = (paths: ReturnType<typeof task>, n: number, backend: string) =>
  writeFileSync(
    join(paths.attempts, `${n}.json`),
    JSON.stringify({ attempt: n, model: 'm', backend, claimedAt: '2026-11-24T08:00:00.000Z' }),
  );
const record = { code: 1, signal: null, at: '2026-11-24T08:00:05.000Z' };

describe('classifyExit', () => {
  it("names the attempt's backend and reads the attempt's own output", async () => {
    const paths = task();
    claim(paths, 1, 'claude');
    await markAttemptLogStart(paths, 1);
    writeFileSync(paths.workerLog, 'Not logged in · Please run /login\n');
    expect(await classifyExit(record, paths, 1)).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/^claude: not logged in/),
    });

    // A retry on another CLI: the first attempt's "Not logged in" is not its cause.
    claim(paths, 2, 'codex');
    await markAttemptLogStart(paths, 2);
    appendFileSync(paths.workerLog, 'Segmentation fault\n');
    expect(await classifyExit({ ...record, code: 139 }, paths, 2)).toEqual({
      kind: 'crash',
      message: 'codex exited with code 139: Segmentation fault',
    });
  });

  it('reads a bounded tail, and all of it when the log was cut below the start', async () => {
    const paths = task();
    writeFileSync(paths.workerLog, `${'x'.repeat(100)}\nlast line\n`);
    expect(await readAttemptLogTail(paths, 1, 10)).toBe('last line\n');
    writeFileSync(join(paths.attempts, '1.log-start'), '5000\n');
    expect(await readAttemptLogTail(paths, 1)).toContain('last line');
    expect(await readAttemptLogTail(task(), 1)).toBe(''); // no log yet
  });

  it("reads an earlier attempt's output without a later attempt's", async () => {
    const paths = task();
    await markAttemptLogStart(paths, 1);
    writeFileSync(paths.workerLog, 'first attempt\n');
    await markAttemptLogStart(paths, 2);
    appendFileSync(paths.workerLog, 'second attempt\n');
    expect(await readAttemptLogTail(paths, 1)).toBe('first attempt\n');
    expect(await readAttemptLogTail(paths, 2)).toBe('second attempt\n');
  });

  it('names what a still-running worker is stuck on (codex waiting for the network), else nothing', async () => {
    const paths = task();
    claim(paths, 1, 'codex');
    await markAttemptLogStart(paths, 1);
    writeFileSync(
      paths.workerLog,
      'user\nSay hi\nERROR: Reconnecting... waiting for network\nERROR: Reconnecting... waiting for network\n',
    );
    expect(await classifyStuckWorker(paths, 1)).toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/^codex: /),
    });
    const quiet = task();
    writeFileSync(quiet.workerLog, 'thinking about the plan\n');
    expect(await classifyStuckWorker(quiet, 1)).toBeNull();
  });
});
