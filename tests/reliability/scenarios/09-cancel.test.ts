import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSameProcess, processStartTime } from '@dispatch/backends';
import { readRequests } from '@dispatch/ipc-fs';
import {
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  inPool,
  latencyFigures,
  reportFigures,
  startWallClock,
  waitFor,
  workerDoubleConfig,
  type Workspace,
} from '../harness/index.js';

// Scenario 9: cancel. 20 workers with three grandchildren each are cancelled; one cancel has a
// daemon `kill -9` between the request being applied and the worker's end. Nothing may be left.
const TASKS = 20;
/** Tasks whose third grandchild ignores SIGTERM: only the SIGKILL after the grace period ends it. */
const STUBBORN = new Set(['c01', 'c02', 'c20']);
/** The task whose cancel is interrupted by a daemon kill -9. */
const KILLED_MID_CANCEL = 'c20';

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

type Grandchild = { pid: number; startTime: string };

/** The grandchildren a task's worker recorded, with their start times (a pid alone proves nothing). */
function grandchildren(w: Workspace, id: string): Grandchild[] | null {
  try {
    const pids = readFileSync(join(w.paths(id).dir, 'grandchildren'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    const found = pids.map((pid) => ({ pid, startTime: processStartTime(pid) ?? '' }));
    return found.length === 3 && found.every((g) => g.startTime !== '') ? found : null;
  } catch {
    return null;
  }
}

const anyAlive = (kids: Grandchild[]) => kids.some((g) => isSameProcess(g.pid, g.startTime));

describe('09 cancel', () => {
  it(`${TASKS} workers with three grandchildren each, cancelled (once across a daemon kill -9): nothing left running`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('cancel', {
      config: workerDoubleConfig('kids', 'grandchildren-worker.sh'),
      env: { DISPATCH_DAEMON_IDLE_MS: '10000' },
    });
    const w = ws;
    const ids = Array.from({ length: TASKS }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
    await inPool(ids, 4, (id) =>
      w.run(id, [STUBBORN.has(id) ? 'wait for the cancel {stubborn}' : 'wait for the cancel'], { model: 'kids' }),
    );
    const kids = new Map<string, Grandchild[]>();
    await waitFor(
      () => ids.every((id) => kids.has(id) || (grandchildren(w, id) && kids.set(id, grandchildren(w, id)!))),
      { what: 'every worker to start its grandchildren' },
    );
    await waitFor(async () => (await Promise.all(ids.map(w.state))).every((s) => s === 'running'), {
      what: 'every task running',
    });

    // 19 cancels through the CLI, four at a time, each timed until its grandchildren are gone.
    const plain = ids.filter((id) => id !== KILLED_MID_CANCEL);
    const cancelMs = await inPool(plain, 4, async (id) => {
      const start = performance.now();
      const r = await w.dispatch(['cancel', id]);
      expect(r.exitCode, String(r.stderr)).toBe(0);
      await waitFor(() => !anyAlive(kids.get(id)!), { what: `${id}'s grandchildren to end` });
      return performance.now() - start;
    });

    // The 20th: its cancel is applied (the request consumed, SIGTERM sent, SIGKILL pending for
    // the stubborn grandchild), then the daemon dies; the next daemon must finish the job.
    const start = performance.now();
    expect((await w.dispatch(['cancel', KILLED_MID_CANCEL])).exitCode).toBe(0);
    await waitFor(async () => (await readRequests(w.paths(KILLED_MID_CANCEL).requests)).requests.length === 0, {
      what: 'the cancel request to be applied',
    });
    const killed = w.killDaemon();
    expect(killed).not.toBeNull();
    expect(anyAlive(kids.get(KILLED_MID_CANCEL)!)).toBe(true); // the stubborn one outlived the SIGTERM
    await w.startDaemon();
    await waitFor(() => !anyAlive(kids.get(KILLED_MID_CANCEL)!), {
      what: `${KILLED_MID_CANCEL}'s grandchildren to end after the restart`,
    });
    const acrossKillMs = performance.now() - start;

    const report = await checkInvariants(w);
    expect(report.states).toEqual({ cancelled: TASKS });
    for (const id of ids) expect(anyAlive(kids.get(id)!), id).toBe(false);

    reportFigures(
      '09 cancel',
      {
        'tasks cancelled': report.states.cancelled ?? 0,
        'grandchildren ended': [...kids.values()].flat().filter((g) => !isSameProcess(g.pid, g.startTime)).length,
        'grandchildren left': [...kids.values()].flat().filter((g) => isSameProcess(g.pid, g.startTime)).length,
        'stubborn tasks (ignore SIGTERM)': STUBBORN.size,
        ...latencyFigures('cancel → grandchildren gone', cancelMs),
        'cancel across a daemon kill -9 ms': Math.round(acrossKillMs),
      },
      wall.seconds(),
    );
  });
});
