import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventLog } from '@dispatch/ipc-fs';
import {
  answerPendingQuestions,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  inPool,
  latencyFigures,
  reportFigures,
  sleep,
  startWallClock,
  waitFor,
  workerDoubleConfig,
  type Workspace,
} from '../harness/index.js';

// Scenario 10: restart fidelity. 100 tasks in mixed states — completed, failed, blocked, running,
// and 40 awaiting an answer with answer timeouts of 30–69 s, asked at different moments — then
// the daemon is killed and restarted. Deadlines are absolute (docs/decisions/0004): each answer
// timeout must fire at its original deadline ± 1 s, whichever daemon fires it. The deadline event
// is stamped with the deadline itself, so when it really fired is read from when it was
// appended: the mtime of events.jsonl, whose last line it is (the patient worker waits on).
const MIX = { completed: 20, failed: 15, blocked: 15, running: 10, awaiting: 40 } as const;
const DOWN_MS = 2000;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

describe('10 restart fidelity', () => {
  it('100 tasks in mixed states, the daemon restarted: answer timeouts fire at their original deadline ± 1 s', async () => {
    const wall = startWallClock();
    ws = createWorkspace('fidelity', {
      env: { DISPATCH_DAEMON_IDLE_MS: '30000' },
      config: workerDoubleConfig('patient', 'patient-asker.sh'),
    });
    const w = ws;
    const groups = {
      completed: ids('c', MIX.completed),
      failed: ids('f', MIX.failed),
      blocked: ids('b', MIX.blocked),
      running: ids('r', MIX.running),
      awaiting: ids('a', MIX.awaiting),
    };
    await inPool(groups.completed, 4, (id) => w.run(id, ['one', 'two']));
    await inPool(groups.failed, 4, (id) => w.run(id, ['one', 'two {fail: it broke}']));
    await inPool(groups.blocked, 4, (id) => w.run(id, ['one {block: which way?}']));
    await inPool(groups.running, 4, (id) => w.run(id, ['work {sleep: 60}', 'finish']));
    // Last, so their deadlines are all ahead; one after another, so their questions' ages differ.
    const timeoutOf = new Map(groups.awaiting.map((id, i) => [id, 30 + i]));
    for (const id of groups.awaiting)
      await w.run(id, ['answer me'], { model: 'patient', args: ['--answer-timeout', String(timeoutOf.get(id))] });

    const expected = (id: string) =>
      (Object.entries(groups).find(([, list]) => list.includes(id))![0] as keyof typeof groups).replace(
        'awaiting',
        'awaiting-answer',
      );
    const all = Object.values(groups).flat();
    await waitFor(
      async () => (await Promise.all(all.map(async (id) => (await w.state(id)) === expected(id)))).every(Boolean),
      { timeoutMs: 120_000, intervalMs: 500, what: 'every task in its intended state' },
    );

    // Each question's absolute deadline, from when the daemon saw it.
    const deadlineOf = new Map<string, number>();
    for (const id of groups.awaiting) {
      const asked = (await readEventLog(w.paths(id).events)).events.find((e) => e.type === 'question.asked')!;
      deadlineOf.set(id, Date.parse(asked.at) + timeoutOf.get(id)! * 1000);
    }
    const restartAt = Date.now();
    expect(w.killDaemon()).not.toBeNull();
    await waitFor(() => w.daemon() === null, { what: 'the daemon to die' });
    await sleep(DOWN_MS); // the outage itself, not a wait for a condition
    await w.startDaemon();
    const aheadAtRestart = groups.awaiting.filter((id) => deadlineOf.get(id)! > Date.now()).length;

    await waitFor(
      async () => (await Promise.all(groups.awaiting.map((id) => w.state(id)))).every((s) => s === 'timed-out'),
      { timeoutMs: 150_000, intervalMs: 250, what: 'every answer timeout to fire' },
    );
    const lateness: number[] = [];
    for (const id of groups.awaiting) {
      const { events } = await readEventLog(w.paths(id).events);
      // The timeout is the last thing logged (the worker still waits), stamped with the deadline.
      expect(events.some((e) => e.type === 'question.answered')).toBe(false);
      expect(Date.parse(events.at(-1)!.at)).toBe(deadlineOf.get(id));
      lateness.push(statSync(w.paths(id).events).mtimeMs - deadlineOf.get(id)!);
    }
    // Timed out, the patient workers still wait: the answers let them finish.
    await answerPendingQuestions(w, { taskIds: () => groups.awaiting });
    // Failed and blocked wait for the user (not final): the others must complete.
    const finishing = [...groups.completed, ...groups.running, ...groups.awaiting];
    await waitFor(
      async () => {
        if (w.daemon() === null) await w.startDaemon();
        return (await Promise.all(finishing.map((id) => w.state(id)))).every((s) => s === 'completed');
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every task to end' },
    );

    const report = await checkInvariants(w);
    expect(report.states).toEqual({
      completed: MIX.completed + MIX.running + MIX.awaiting,
      failed: MIX.failed,
      blocked: MIX.blocked,
    });
    reportFigures(
      '10 restart fidelity',
      {
        tasks: all.length,
        ...Object.fromEntries(Object.entries(MIX).map(([state, n]) => [`${state} at the restart`, n])),
        'daemon down ms': DOWN_MS,
        'answer deadlines still ahead at the restart': aheadAtRestart,
        'deadlines after the kill': groups.awaiting.filter((id) => deadlineOf.get(id)! > restartAt).length,
        ...latencyFigures('timeout fired after its deadline', lateness),
        'earliest firing vs deadline ms': Math.round(Math.min(...lateness)),
      },
      wall.seconds(),
    );
    expect(Math.max(...lateness.map(Math.abs))).toBeLessThanOrEqual(1000);
  }, 420_000);
});
