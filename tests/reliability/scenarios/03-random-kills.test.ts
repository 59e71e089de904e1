import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcFileName, listAttempts, readAnswer, readEventLog } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  latencyFigures,
  reportFigures,
  sleep,
  startScriptedUser,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 3: random kills. 50 tasks × 3 questions while the daemon is SIGKILLed every 0.5–3 s
// for 3 minutes and restarted after 0–2 s; a scripted user answers. The tasks are created through
// the whole storm (each `run` may itself start a daemon the storm then kills), and each spends
// about 10 s between its questions, so questions are asked, seen and answered across the kills.
const TASKS = 50;
const QUESTIONS = 3;
const STORM_MS = 180_000;
const CREATE_EVERY_MS = 3000;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

const between = (min: number, max: number) => min + Math.random() * (max - min);

describe('03 random kills', () => {
  it(`${TASKS} tasks × ${QUESTIONS} questions while the daemon is killed every 0.5–3 s for ${STORM_MS / 60_000} min: nothing lost`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('kills', { env: { DISPATCH_DAEMON_IDLE_MS: '10000', DISPATCH_PID_WAIT_MS: '500' } });
    const w = ws;
    const user = startScriptedUser(w, { intervalMs: 200 });
    const ids = Array.from({ length: TASKS }, (_, i) => `k${String(i + 1).padStart(2, '0')}`);
    const steps = [
      'one {ask: first question?}',
      'two {sleep: 5}',
      'three {ask: second question?}',
      'four {sleep: 5}',
      'five {ask: third question?}',
    ];

    const stormEnd = Date.now() + STORM_MS;
    // The tasks arrive one every 3 s while the storm rages.
    const creating = (async () => {
      for (const id of ids) {
        await w.run(id, steps);
        await sleep(CREATE_EVERY_MS);
      }
    })();
    let kills = 0;
    let restarts = 0;
    while (Date.now() < stormEnd) {
      if (w.killDaemon() !== null) kills++;
      await sleep(between(0, 2000));
      if (w.daemon() === null) {
        await w.startDaemon();
        restarts++;
      }
      await sleep(between(500, 3000));
    }
    await creating;
    const stormSeconds = wall.seconds();
    if (w.daemon() === null) await w.startDaemon();
    const settle = startWallClock();
    await waitFor(
      async () => {
        // The daemon may exit idle while a task waits for the user's answer; bring one back.
        if (w.daemon() === null) await w.startDaemon();
        return allFinal(w);
      },
      { timeoutMs: 180_000, intervalMs: 1000, what: 'every task to end after the storm' },
    );
    const settleSeconds = settle.seconds();
    await user.stop();

    // A kill, 0–2 s down, the restart itself, 0.5–3 s up: about 4 s a cycle.
    expect(kills).toBeGreaterThan(25);
    expect(user.errors).toEqual([]);
    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: TASKS });
    expect([report.questions, report.answers, report.acks]).toEqual([
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
    ]);
    expect(user.answers).toHaveLength(TASKS * QUESTIONS);
    for (const a of user.answers) expect(await readAnswer(w.paths(a.taskId).ipc, a.seq)).toBe(a.text);
    const detection: number[] = [];
    for (const id of ids) {
      // Workers outlive the daemon: no kill may make one start twice.
      expect(await listAttempts(w.paths(id).attempts)).toEqual([1]);
      const { events } = await readEventLog(w.paths(id).events);
      for (const e of events) {
        const seq = (e.question as { seq?: number } | undefined)?.seq;
        if (e.type === 'question.asked' && seq !== undefined)
          detection.push(Date.parse(e.at) - statSync(join(w.paths(id).ipc, ipcFileName(seq, 'question'))).ctimeMs);
      }
    }
    const daemonLog = readFileSync(join(w.home, 'daemon.log'), 'utf8');
    reportFigures(
      '03 random kills',
      {
        tasks: TASKS,
        'questions asked': report.questions,
        'answered exactly once': user.answers.length,
        acknowledged: report.acks,
        'daemon SIGKILLs': kills,
        'daemon restarts by the test': restarts,
        'daemons started in all': (daemonLog.match(/ started \(pid /g) ?? []).length,
        'daemon log error lines': (daemonLog.match(/ error: /g) ?? []).length,
        'events logged': report.events,
        'storm s': stormSeconds,
        'all done after the storm s': settleSeconds,
        // A restarted daemon stamps the questions it finds with their files' time (fair deadlines),
        // so this is the live detection, with the kills' outages hidden.
        ...latencyFigures('question → question.asked as logged', detection),
      },
      wall.seconds(),
    );
  }, 480_000);
});
