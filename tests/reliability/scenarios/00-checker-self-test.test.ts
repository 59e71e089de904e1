import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTime } from '@dispatch/backends';
import { readEventLog } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  InvariantViolation,
  startScriptedUser,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Not an attack on dispatch: proves the common checker is not vacuous. A clean run passes; each
// kind of breach planted by hand is reported.

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
const strays: number[] = [];
afterAll(async () => {
  for (const pid of strays) process.kill(pid, 'SIGKILL');
  await ws?.dispose();
});

describe('00 the common checker', () => {
  it('passes a clean run and reports every planted breach', async () => {
    ws = createWorkspace('checker');
    const w = ws;
    const user = startScriptedUser(w, { intervalMs: 50 });
    await w.run('clean', ['one {ask: first?}', 'two']);
    await w.run('tampered', ['one {ask: first?}', 'two']);
    await w.run('engine', ['one']);
    await waitFor(() => allFinal(w), { what: 'the tasks to end' });
    await user.stop();
    expect((await checkInvariants(w)).states).toEqual({ completed: 3 });
    // No daemon while breaches are planted: its temp sweep removes a temp file 50 s old on sight,
    // and a sweep between the planting and the check would hide that breach from the checker.
    await w.stopDaemon();

    const t = w.paths('tampered');
    const { events } = await readEventLog(t.events);
    const asked = events.find((e) => e.type === 'question.asked')!;
    appendFileSync(t.events, `${JSON.stringify({ ...asked, seq: events.length + 1 })}\n`); // asked twice
    writeFileSync(join(t.ipc, '007.done'), ''); // an ack without an answer
    const stale = join(t.ipc, '.008.answer.1.x.tmp');
    writeFileSync(stale, 'half');
    const old = new Date(Date.now() - 120_000);
    utimesSync(stale, old, old); // a temp file two minutes old
    // A process left in the finished task's worker group: a stray group leader as its pid record.
    const stray = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    strays.push(stray.pid!);
    await waitFor(() => processStartTime(stray.pid!), { what: 'the stray process' });
    writeFileSync(join(t.attempts, '1.pid'), `${stray.pid} ${processStartTime(stray.pid!)}\n`);
    // Attempts as a cluster engine's (their claims name a Slurm executor): one ran without a job
    // record; the other's engine view names another job than its record.
    const onSlurm = (paths: typeof t) => {
      const claim = JSON.parse(readFileSync(join(paths.attempts, '1.json'), 'utf8')) as object;
      writeFileSync(
        join(paths.attempts, '1.json'),
        JSON.stringify({ ...claim, executor: { name: 'hpc', kind: 'slurm' } }),
      );
    };
    onSlurm(t);
    const e = w.paths('engine');
    onSlurm(e);
    const at = new Date().toISOString();
    writeFileSync(
      join(e.attempts, '1.job.json'),
      JSON.stringify({ executor: 'hpc', kind: 'slurm', job: '7', name: 'dispatch-engine-1-x', submittedAt: at }),
    );
    writeFileSync(
      join(e.attempts, '1.engine.json'),
      JSON.stringify({ kind: 'slurm', job: '8', state: 'COMPLETED', reason: null, node: 'n1', at }),
    );

    const error = await checkInvariants(w, { settleMs: 0 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(InvariantViolation);
    const violations = (error as InvariantViolation).violations.join('\n');
    expect(violations).toMatch(/tampered \(completed\): question 1 has 2 question.asked events/);
    expect(violations).toMatch(/tampered \(completed\): question 7 is acknowledged without an answer/);
    expect(violations).toMatch(/a temp file older than 60 s: .*\.008\.answer\.1\.x\.tmp/);
    expect(violations).toMatch(
      new RegExp(`tampered \\(completed\\): attempt 1's process group ${stray.pid} still has ${stray.pid}`),
    );
    expect(violations).toMatch(/tampered \(completed\): attempt 1 ran on hpc but has no job record/);
    expect(violations).toMatch(/engine \(completed\): attempt 1's engine view names job 8, its job record 7/);
    expect(violations).not.toMatch(/^clean/m);
  });
});
