import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptFiles, readExitRecord, readPidRecord, readWrapperRecord } from '@dispatch/ipc-fs';
import {
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  isAlive,
  reportFigures,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 12: workers die while no daemon runs. 20 workers run; the daemon is killed; 10 of the
// workers die while none runs — 5 with their wrapper (no exit record: the worker is lost), 5
// alone (the wrapper records how they ended) — and the pid file of one lost worker is made to
// name an unrelated live process with another start time (a reused pid). The next daemon must
// classify the 10 from their records, follow the 10 live ones to the end, and never signal the
// unrelated process (it notes every catchable signal it gets, and must outlive it all).
const TASKS = 20;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
let bystander: ReturnType<typeof spawn> | undefined;
afterAll(async () => {
  bystander?.kill('SIGKILL');
  await ws?.dispose();
});

describe('12 workers die while no daemon runs', () => {
  it(`${TASKS} workers, 10 killed while the daemon is down, one pid reused: classified, followed, nothing else signalled`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('orphans', { env: { DISPATCH_DAEMON_IDLE_MS: '10000' } });
    const w = ws;
    const ids = Array.from({ length: TASKS }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
    const lost = ids.slice(0, 5); // worker and wrapper killed: no exit record
    const killed = ids.slice(5, 10); // worker alone killed: the wrapper records its end
    const live = ids.slice(10);
    // Long enough to outlive the daemon's absence; the live ones then finish on their own.
    for (const id of ids) await w.run(id, ['work {sleep: 25}', 'finish']);
    const pids = new Map<string, { worker: number; wrapper: number; startTime: string }>();
    await waitFor(
      async () => {
        for (const id of ids) {
          const worker = await readPidRecord(w.paths(id).attempts, 1);
          const wrapper = await readWrapperRecord(w.paths(id).attempts, 1);
          if (!worker || !wrapper) return false;
          pids.set(id, { worker: worker.pid, wrapper: wrapper.pid, startTime: worker.startTime });
        }
        return true;
      },
      { what: 'every worker to run' },
    );
    await waitFor(async () => (await Promise.all(ids.map((id) => w.state(id)))).every((s) => s === 'running'), {
      what: 'every task to be running',
    });

    const down = startWallClock();
    expect(w.killDaemon()).not.toBeNull();
    await waitFor(() => w.daemon() === null, { what: 'the daemon to die' });
    for (const id of lost) {
      const p = pids.get(id)!;
      process.kill(p.wrapper, 'SIGKILL'); // first, so nothing records the worker's end
      process.kill(-p.worker, 'SIGKILL'); // the worker's whole group (it leads it)
    }
    for (const id of killed) process.kill(-pids.get(id)!.worker, 'SIGKILL');
    await waitFor(() => killed.every((id) => existsSync(attemptFiles(w.paths(id).attempts, 1).exit)), {
      what: "the wrappers to record their workers' ends",
    });
    await waitFor(
      () =>
        [...lost, ...killed].every((id) => !isAlive(pids.get(id)!.worker)) &&
        lost.every((id) => !isAlive(pids.get(id)!.wrapper)),
      { what: 'the killed to be gone' },
    );

    // An unrelated process, leading its own group, now holds the pid one lost worker's record names.
    const signals = join(w.dir, 'bystander-signals');
    bystander = spawn(
      'sh',
      [
        '-c',
        `for s in TERM INT HUP USR1 USR2 QUIT ALRM; do trap "echo $s >> '${signals}'" $s; done; while :; do sleep 0.2; done`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    const bystanderPid = bystander.pid!;
    const reused = lost[0]!;
    writeFileSync(attemptFiles(w.paths(reused).attempts, 1).pid, `${bystanderPid} ${pids.get(reused)!.startTime}\n`);
    writeFileSync(
      attemptFiles(w.paths(reused).attempts, 1).wrapper,
      `${bystanderPid} ${pids.get(reused)!.startTime}\n`,
    );

    const downSeconds = down.seconds();
    await w.startDaemon();
    const settled = startWallClock();
    await waitFor(
      async () => (await Promise.all([...lost, ...killed].map((id) => w.state(id)))).every((s) => s === 'failed'),
      { timeoutMs: 60_000, what: 'the 10 dead to be failed' },
    );
    const classifiedSeconds = settled.seconds();
    await waitFor(
      async () => {
        if (w.daemon() === null) await w.startDaemon();
        return (await Promise.all(live.map((id) => w.state(id)))).every((s) => s === 'completed');
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the live ones to finish' },
    );

    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: live.length, failed: lost.length + killed.length });
    for (const id of live) expect(await w.state(id)).toBe('completed');
    const kinds: Record<string, number> = {};
    for (const id of [...lost, ...killed]) {
      const view = JSON.parse(String((await w.dispatch(['status', id, '--json'])).stdout)) as {
        state: string;
        error: { kind: string } | null;
      };
      expect(view.state).toBe('failed');
      const exit = await readExitRecord(w.paths(id).attempts, 1);
      if (lost.includes(id)) expect(exit?.lost).toBe(true);
      else expect([exit?.signal, exit?.lost]).toEqual(['SIGKILL', undefined]);
      const key = `${lost.includes(id) ? 'lost' : 'killed'}: ${view.error?.kind ?? 'none'}`;
      kinds[key] = (kinds[key] ?? 0) + 1;
    }
    expect(isAlive(bystanderPid)).toBe(true);
    expect(existsSync(signals) ? readFileSync(signals, 'utf8') : '').toBe('');

    reportFigures(
      '12 workers die while no daemon runs',
      {
        workers: TASKS,
        'killed with their wrapper (no exit record)': lost.length,
        'killed alone (exit record)': killed.length,
        'followed to the end': live.length,
        ...Object.fromEntries(Object.entries(kinds).map(([k, n]) => [`error kind ${k}`, n])),
        'unrelated process signalled': 0,
        'daemon down s': downSeconds,
        'restart → the 10 classified s': classifiedSeconds,
      },
      wall.seconds(),
    );
  }, 300_000);
});
