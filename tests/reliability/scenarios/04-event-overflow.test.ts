import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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
  workerDoubleConfig,
  type Workspace,
} from '../harness/index.js';

// Scenario 4: event overflow. 3,000 questions are written while the daemon's event loop is
// blocked for 4 s (the daemon's test knob DISPATCH_BLOCK_LOOP_MS + SIGWINCH): nothing reads
// inotify meanwhile, its queue (fs.inotify.max_queued_events, 16,384) overflows and the events
// past it are dropped, silently. Every question must still be seen — by the periodic scan (every
// 5 s) at the latest — so within the scan interval + 1 s of the loop running again.
const TASKS = 30;
const PER_TASK = 100;
// Writing 3,000 questions takes about 1.4 s on the 2-core machine, longer under load: the loop is
// blocked long enough for all of them to go in while it is.
const BLOCK_MS = 4000;
const SCAN_INTERVAL_MS = 5000;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

/** The span the daemon said it blocks its loop for, once it says so in daemon.log. */
function blockedSpan(home: string): { from: number; to: number } | null {
  const m = /test knob: event loop blocked from (\d+) to (\d+)/.exec(readFileSync(join(home, 'daemon.log'), 'utf8'));
  return m ? { from: Number(m[1]), to: Number(m[2]) } : null;
}

describe('04 event overflow', () => {
  it(`${TASKS * PER_TASK} questions written while the daemon's loop is blocked ${BLOCK_MS / 1000} s: all seen within the scan interval + 1 s`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('overflow', {
      env: { DISPATCH_DAEMON_IDLE_MS: '20000', DISPATCH_BLOCK_LOOP_MS: String(BLOCK_MS) },
      config: workerDoubleConfig('bulk', 'bulk-asker.sh'),
    });
    const w = ws;
    const ids = Array.from({ length: TASKS }, (_, i) => `o${String(i + 1).padStart(2, '0')}`);
    await inPool(ids, 4, (id) => w.run(id, ['answer a hundred questions'], { model: 'bulk' }));
    await waitFor(async () => (await Promise.all(ids.map((id) => w.state(id)))).every((s) => s === 'running'), {
      what: 'every worker to run',
    });
    const daemon = w.daemon()!;
    const user = startScriptedUser(w, { intervalMs: 100, taskIds: () => ids });

    const before = await waitFor(() => watchHealth(w), { what: 'daemon-health.json' });
    process.kill(daemon.pid, 'SIGWINCH');
    const span = await waitFor(() => blockedSpan(w.home), { intervalMs: 5, what: 'the daemon to block its loop' });
    // Written on the workers' behalf (a shell could not write 3,000 in time), as the protocol says.
    for (let seq = 1; seq <= PER_TASK; seq++) {
      for (const id of ids) {
        const path = join(w.paths(id).ipc, ipcFileName(seq, 'question'));
        writeFileSync(`${path}.tmp`, `Question ${seq} of ${id}?\n`);
        renameSync(`${path}.tmp`, path);
      }
    }
    const writtenAt = Date.now();
    for (const id of ids) writeFileSync(join(w.paths(id).dir, 'go'), String(PER_TASK));
    // The questions went in while the loop was blocked (else the scenario proved nothing).
    expect(writtenAt).toBeLessThan(span.to);

    await waitFor(() => allFinal(w), { timeoutMs: 180_000, intervalMs: 500, what: 'every task to end' });
    await user.stop();
    // Its counters are written every 0.5 s while they change: wait for the final word.
    let after = watchHealth(w)!;
    await waitFor(
      () => {
        const now = watchHealth(w)!;
        const same = now.facts.fromScan === after.facts.fromScan && now.facts.fromWatcher === after.facts.fromWatcher;
        after = now;
        return same;
      },
      { intervalMs: 1200, what: "the daemon's counters to settle" },
    );
    expect(w.daemon()?.pid).toBe(daemon.pid);
    expect(user.errors).toEqual([]);
    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: TASKS });
    expect([report.questions, report.answers, report.acks]).toEqual([
      TASKS * PER_TASK,
      TASKS * PER_TASK,
      TASKS * PER_TASK,
    ]);

    // From the loop running again to the daemon logging each question.
    const afterUnblock: number[] = [];
    // The user's answers come at its own pace: from each answer file to the daemon's record of it.
    const answerSeen: number[] = [];
    for (const id of ids) {
      for (const e of (await readEventLog(w.paths(id).events)).events) {
        if (e.type === 'question.asked') afterUnblock.push(Date.parse(e.at) - span.to);
        const seq = (e.question as { seq?: number } | undefined)?.seq;
        if (e.type === 'question.answered' && seq !== undefined)
          answerSeen.push(Date.parse(e.at) - statSync(join(w.paths(id).ipc, ipcFileName(seq, 'answer'))).ctimeMs);
      }
    }
    expect(afterUnblock).toHaveLength(TASKS * PER_TASK);
    const late = afterUnblock.filter((ms) => ms > SCAN_INTERVAL_MS + 1000).length;
    reportFigures(
      '04 event overflow',
      {
        tasks: TASKS,
        'questions written while blocked': TASKS * PER_TASK,
        'loop blocked ms': span.to - span.from,
        'questions written in ms': writtenAt - span.from,
        'answered exactly once': user.answers.length,
        ...latencyFigures('seen after the loop ran again (→ question.asked)', afterUnblock),
        'seen later than scan interval + 1 s': late,
        'facts found by the watcher': after.facts.fromWatcher - before.facts.fromWatcher,
        'facts found by a scan (missed by the watcher)': after.facts.fromScan - before.facts.fromScan,
        ...latencyFigures('answer seen (answer → question.answered)', answerSeen),
      },
      wall.seconds(),
    );
    // The bound the issue sets; a wide margin only for a machine loaded by other runs.
    expect(Math.max(...afterUnblock)).toBeLessThan(SCAN_INTERVAL_MS + 1000 + 4000);
  });
});
