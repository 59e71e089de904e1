import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAttempts, readAttemptClaim, readExitRecord } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  reportFigures,
  sleep,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 15: limits under kills. 18 tasks in line for 3 worker slots; each fails once and is
// retried, so every task needs two attempts, and retried attempts queue like new ones. The daemon
// is SIGKILLed every 0.5–2 s and restarted after 0–1 s: workers outlive it, and every restarted
// daemon must count them before it starts anyone. Never more than 3 workers may run at once.
const TASKS = 18;
const LIMIT = 3;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

const between = (min: number, max: number) => min + Math.random() * (max - min);

/** An attempt's worker from its claim (made before the spawn) to its wrapper's exit record. */
interface Span {
  id: string;
  attempt: number;
  from: number;
  to: number;
}

describe('15 limits under kills', () => {
  it(`${TASKS} tasks × 2 attempts, limits.total ${LIMIT}, the daemon killed every 0.5–2 s: never more than ${LIMIT} workers at once`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('limits', {
      env: { DISPATCH_DAEMON_IDLE_MS: '10000', DISPATCH_PID_WAIT_MS: '500' },
      config: `default: x\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  x: { backend: shell }\nlimits: { total: ${LIMIT} }\n`,
    });
    const w = ws;
    const ids = Array.from({ length: TASKS }, (_, i) => `l${String(i + 1).padStart(2, '0')}`);
    for (const id of ids)
      await w.run(id, ['start {sleep: 1.5}', 'flaky {fail-once: first attempt fails}', 'finish {sleep: 1.5}']);

    // The user retries what failed; the storm kills the daemon meanwhile.
    let retries = 0;
    let done = false;
    const user = (async () => {
      while (!done) {
        for (const id of ids) {
          if ((await w.state(id)) !== 'failed') continue;
          if ((await w.dispatch(['retry', id])).exitCode === 0) retries++;
        }
        await sleep(300);
      }
    })();
    let kills = 0;
    while (!(await allFinal(w)) && wall.seconds() < 240) {
      await sleep(between(500, 2000));
      if (w.killDaemon() !== null) kills++;
      await sleep(between(0, 1000));
      if (w.daemon() === null) await w.startDaemon();
    }
    await waitFor(
      async () => {
        if (w.daemon() === null) await w.startDaemon();
        return allFinal(w);
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'every task to end' },
    );
    done = true;
    await user;

    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: TASKS });
    const spans: Span[] = [];
    for (const id of ids) {
      // Each attempt started exactly once, however many daemons came and went.
      expect(await listAttempts(w.paths(id).attempts)).toEqual([1, 2]);
      for (const attempt of [1, 2]) {
        const claim = await readAttemptClaim(w.paths(id).attempts, attempt);
        const exit = await readExitRecord(w.paths(id).attempts, attempt);
        spans.push({ id, attempt, from: Date.parse(String(claim?.claimedAt)), to: Date.parse(String(exit?.at)) });
      }
    }
    for (const s of spans) expect([s.from, s.to].every(Number.isFinite), `${s.id} attempt ${s.attempt}`).toBe(true);
    // At each claim, how many attempts had been claimed and not yet ended (itself included).
    const atOnce = spans.map((s) => spans.filter((o) => o.from <= s.from && s.from < o.to).length);
    const most = Math.max(...atOnce);
    expect(kills).toBeGreaterThanOrEqual(5); // the storm lasts as long as the work: 30 s or more
    expect(retries).toBeGreaterThanOrEqual(TASKS);
    expect(most).toBeLessThanOrEqual(LIMIT);
    reportFigures(
      '15 limits under kills',
      {
        tasks: TASKS,
        'attempts (each started once)': spans.length,
        'retries by the user': retries,
        'daemon SIGKILLs': kills,
        'most workers at once': most,
        limit: LIMIT,
      },
      wall.seconds(),
    );
  }, 420_000);
});
