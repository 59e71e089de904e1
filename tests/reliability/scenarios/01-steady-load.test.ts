import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcFileName, readAnswer, readEventLog } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  cpuSeconds,
  inPool,
  latencyFigures,
  measureCpuPercent,
  memoryMiB,
  reportFigures,
  sleep,
  startScriptedUser,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 1: steady load. 200 tasks × 5 questions, answered by a scripted user as they come.
const TASKS = 200;
const QUESTIONS = 5;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

describe('01 steady load', () => {
  it(`${TASKS} tasks × ${QUESTIONS} questions: every question answered exactly once, detected fast, an idle daemon afterwards`, async () => {
    const wall = startWallClock();
    // The daemon must outlive the idle-CPU measurement: it may only leave after 2 idle minutes.
    ws = createWorkspace('steady', { env: { DISPATCH_DAEMON_IDLE_MS: '120000' } });
    const w = ws;
    const user = startScriptedUser(w, { intervalMs: 100 });
    const ids = Array.from({ length: TASKS }, (_, i) => `t${String(i + 1).padStart(3, '0')}`);
    const steps = Array.from({ length: QUESTIONS }, (_, i) => `step ${i + 1} {ask: question ${i + 1} of this task?}`);
    const created = startWallClock();
    const runMs = await inPool(ids, 4, async (id) => {
      const start = performance.now();
      await w.run(id, steps);
      return performance.now() - start;
    });
    const createSeconds = created.seconds();
    const daemon = await waitFor(() => w.daemon(), { what: 'the daemon' });
    await waitFor(() => allFinal(w), { timeoutMs: 240_000, intervalMs: 1000, what: 'every task to end' });
    const loadSeconds = wall.seconds();
    await user.stop();
    const busyCpu = cpuSeconds(daemon.pid) ?? NaN;

    expect(user.errors).toEqual([]);
    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: TASKS });
    expect([report.questions, report.answers, report.acks]).toEqual([
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
    ]);
    // Exactly once: the user answered each question once, and each answer file holds that answer.
    expect(user.answers).toHaveLength(TASKS * QUESTIONS);
    expect(new Set(user.answers.map((a) => `${a.taskId}#${a.seq}`)).size).toBe(TASKS * QUESTIONS);
    for (const a of user.answers) expect(await readAnswer(w.paths(a.taskId).ipc, a.seq)).toBe(a.text);
    // The daemon that started with the first task served them all.
    expect(w.daemon()?.pid).toBe(daemon.pid);

    // Detection: from the question file's rename (its ctime) to the question.asked the daemon logged.
    const detection: number[] = [];
    const recording: number[] = [];
    for (const id of ids) {
      const { events } = await readEventLog(w.paths(id).events);
      for (const e of events) {
        const seq = (e.question as { seq?: number } | undefined)?.seq;
        if (seq === undefined) continue;
        if (e.type === 'question.asked')
          detection.push(Date.parse(e.at) - statSync(join(w.paths(id).ipc, ipcFileName(seq, 'question'))).ctimeMs);
        if (e.type === 'question.answered')
          recording.push(Date.parse(e.at) - statSync(join(w.paths(id).ipc, ipcFileName(seq, 'answer'))).ctimeMs);
      }
    }
    expect(detection).toHaveLength(TASKS * QUESTIONS);

    // Idle: every task has ended; the daemon should be (nearly) asleep, after 5 s of settling.
    // This catches a busy loop; the < 1 % goal itself is the CLI bench's, on a quiet machine
    // (a loaded CI run read 1.1 % here twice, a quiet machine 0.4–0.5 %).
    await sleep(5_000);
    const idleCpu = await measureCpuPercent(daemon.pid, 10_000);
    const memory = memoryMiB(daemon.pid);
    expect(idleCpu).not.toBeNull();
    expect(idleCpu!).toBeLessThan(5);

    reportFigures(
      '01 steady load',
      {
        tasks: TASKS,
        'questions asked': report.questions,
        'answered exactly once': user.answers.length,
        acknowledged: report.acks,
        'events logged': report.events,
        'tasks created in s': createSeconds,
        ...latencyFigures('dispatch run (4 at a time)', runMs),
        'all done after s': loadSeconds,
        ...latencyFigures('detection (question → question.asked)', detection),
        ...latencyFigures('answer seen (answer → question.answered)', recording),
        'daemon CPU s under load': Math.round(busyCpu * 10) / 10,
        'daemon idle CPU %': Math.round(idleCpu! * 100) / 100,
        'daemon RSS MiB': memory ? Math.round(memory.rss) : null,
        'daemon peak RSS MiB': memory ? Math.round(memory.peak) : null,
      },
      wall.seconds(),
    );
  });
});
