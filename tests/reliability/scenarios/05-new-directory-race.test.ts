import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcFileName, readEventLog } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  inPool,
  latencyFigures,
  reportFigures,
  startScriptedUser,
  startWallClock,
  waitFor,
  watchHealth,
  type Workspace,
} from '../harness/index.js';

// Scenario 5: the new-directory race. 1,000 (here 300, see below) tasks whose first question is written right after
// their folder is created: `run` makes the folder, the daemon starts the worker at once, and the
// sim worker (steps of 0 s) writes 001.question as its first act — while the watcher may not yet
// watch the new folder (chokidar reports a folder before it attaches its watch). The watcher's
// re-listings of a new folder (50 and 500 ms) or the 5 s scan must catch it. Which path saw a
// question is told by its detection time: ≤ 1 s the watcher (or its re-listing), more a scan.
// The issue asks for 1,000; measured here, 1,000 `dispatch run`s alone took 6 min on the 2-core
// machine (shared with other runs), which the 15-minute suite cannot afford: the suite runs 300,
// `RELIABILITY_NEWDIR_TASKS=1000 pnpm test:reliability 05` the figure.
const TASKS = Number(process.env.RELIABILITY_NEWDIR_TASKS ?? 300);
const WATCHER_BOUND_MS = 1000;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

describe('05 new-directory race', () => {
  it(`${TASKS} tasks asking at once in their brand-new folders: every first question seen, once`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('newdir', { env: { DISPATCH_DAEMON_IDLE_MS: '20000', DISPATCH_SIM_STEP: '0' } });
    const w = ws;
    const user = startScriptedUser(w, { intervalMs: 200 });
    const ids = Array.from({ length: TASKS }, (_, i) => `n${String(i + 1).padStart(4, '0')}`);
    const created = startWallClock();
    await inPool(ids, 4, (id) => w.run(id, ['first {ask: the first question, at once?}', 'then']));
    const createSeconds = created.seconds();
    await waitFor(() => allFinal(w), { timeoutMs: 240_000, intervalMs: 1000, what: 'every task to end' });
    await user.stop();
    // Its counters are written every 0.5 s while they change: wait for the final word.
    let health = watchHealth(w)!;
    await waitFor(
      () => {
        const now = watchHealth(w)!;
        const same = now.facts.fromScan === health.facts.fromScan && now.facts.fromWatcher === health.facts.fromWatcher;
        health = now;
        return same;
      },
      { intervalMs: 1200, what: "the daemon's counters to settle" },
    );
    expect(health.degraded).toBe(false);

    expect(user.errors).toEqual([]);
    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: TASKS });
    expect([report.questions, report.answers, report.acks]).toEqual([TASKS, TASKS, TASKS]);

    const detection: number[] = [];
    const folderToQuestion: number[] = [];
    for (const id of ids) {
      const { events } = await readEventLog(w.paths(id).events);
      const asked = events.filter((e) => e.type === 'question.asked');
      expect(asked).toHaveLength(1);
      const question = statSync(join(w.paths(id).ipc, ipcFileName(1, 'question'))).ctimeMs;
      detection.push(Date.parse(asked[0]!.at) - question);
      // task.json is written once, by `run`, right after it made the folder.
      folderToQuestion.push(question - statSync(w.paths(id).taskJson).mtimeMs);
    }
    const byWatcher = detection.filter((ms) => ms <= WATCHER_BOUND_MS).length;
    reportFigures(
      '05 new-directory race',
      {
        tasks: TASKS,
        'first questions asked': report.questions,
        'answered exactly once': user.answers.length,
        'tasks created in s': createSeconds,
        ...latencyFigures('folder created → question written', folderToQuestion),
        [`seen within ${WATCHER_BOUND_MS} ms (watcher or its re-listing)`]: byWatcher,
        'seen later (periodic scan)': TASKS - byWatcher,
        'facts found by the watcher (all kinds)': health.facts.fromWatcher,
        'facts found by a scan (all kinds; the start-up scan included)': health.facts.fromScan,
        ...latencyFigures('detection (question → question.asked)', detection),
      },
      wall.seconds(),
    );
  }, 900_000);
});
