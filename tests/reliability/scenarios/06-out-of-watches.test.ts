import { spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcFileName, readEventLog } from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  dispatchBin,
  inPool,
  latencyFigures,
  reportFigures,
  startScriptedUser,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 6: out of inotify watches. The daemon runs in its own user namespace whose inotify
// watch limit is tiny (Linux ≥ 5.11 counts watches per user namespace: `/proc/sys/user/
// max_inotify_watches` there is the namespace's own, settable by its root without privileges
// outside it). NOT `/proc/sys/fs/inotify/max_user_watches`: for a process that is real root,
// that one is the machine's limit, whatever namespace writes it. With 30 tasks of 4 watched
// folders each, the watcher runs out: every task must still be served, by scanning, and `doctor`
// and `status` must say so.
const TASKS = 30;
const QUESTIONS = 2;
const WATCH_LIMIT = 8;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

/** `unshare -Ur`, then the namespace's own watch limit lowered: does this machine allow it? */
function namespacedLimitWorks(): string | null {
  const probe = spawnSync(
    'unshare',
    [
      '-Ur',
      'sh',
      '-c',
      `echo ${WATCH_LIMIT} > /proc/sys/user/max_inotify_watches && cat /proc/sys/user/max_inotify_watches`,
    ],
    { encoding: 'utf8' },
  );
  return probe.status === 0 && probe.stdout.trim() === String(WATCH_LIMIT)
    ? null
    : `unshare -Ur with a lowered /proc/sys/user/max_inotify_watches: ${probe.error?.message ?? probe.stderr}`;
}

describe('06 out of watches', () => {
  it(`a daemon limited to ${WATCH_LIMIT} inotify watches serves ${TASKS} tasks × ${QUESTIONS} questions by scanning, and says it is degraded`, async () => {
    const wall = startWallClock();
    expect(namespacedLimitWorks()).toBeNull();
    ws = createWorkspace('watches', { env: { DISPATCH_DAEMON_IDLE_MS: '60000' } });
    const w = ws;
    const machineLimit = readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim();
    const daemonLog = openSync(join(w.home, 'daemon.log'), 'a');
    const child = spawn(
      'unshare',
      [
        '-Ur',
        'sh',
        '-c',
        `echo ${WATCH_LIMIT} > /proc/sys/user/max_inotify_watches && exec node "$0" daemon run`,
        dispatchBin,
      ],
      {
        cwd: w.dir,
        env: w.env,
        detached: true,
        stdio: ['ignore', daemonLog, daemonLog],
      },
    );
    child.unref();
    const daemon = await waitFor(() => w.daemon(), { what: 'the daemon in its user namespace' });

    const user = startScriptedUser(w, { intervalMs: 100 });
    const ids = Array.from({ length: TASKS }, (_, i) => `w${String(i + 1).padStart(2, '0')}`);
    const steps = Array.from({ length: QUESTIONS }, (_, i) => `step ${i + 1} {ask: question ${i + 1}?}`);
    await inPool(ids, 4, (id) => w.run(id, steps));
    // The namespaced daemon served them all: no `run` had to start another.
    expect(w.daemon()?.pid).toBe(daemon.pid);

    const degradedAfter = startWallClock();
    await waitFor(
      () => {
        const health = JSON.parse(readFileSync(join(w.home, 'daemon-health.json'), 'utf8')) as {
          workspaces: { dispatchDir: string; degraded: boolean }[];
        };
        return health.workspaces.some((h) => h.dispatchDir === w.dispatchDir && h.degraded);
      },
      { what: 'daemon-health.json to say the workspace is degraded' },
    );
    const degradedSeconds = degradedAfter.seconds();
    const doctor = await w.dispatch(['doctor', '--json']);
    const report = JSON.parse(String(doctor.stdout)) as { watch: { degraded: string[] }; problems: string[] };
    expect(report.watch.degraded).toEqual([w.dispatchDir]);
    expect(report.problems.some((p) => p.includes('cannot watch'))).toBe(true);
    const status = await w.dispatch(['status']);
    expect(String(status.stdout).trimEnd().split('\n').at(-1)).toMatch(/^note: the daemon cannot watch this workspace/);

    await waitFor(() => allFinal(w), { timeoutMs: 180_000, intervalMs: 500, what: 'every task to end' });
    await user.stop();
    expect(w.daemon()?.pid).toBe(daemon.pid);
    expect(user.errors).toEqual([]);
    const checked = await checkInvariants(w);
    expect(checked.states).toEqual({ completed: TASKS });
    expect([checked.questions, checked.answers, checked.acks]).toEqual([
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
      TASKS * QUESTIONS,
    ]);

    const detection: number[] = [];
    for (const id of ids) {
      for (const e of (await readEventLog(w.paths(id).events)).events) {
        const seq = (e.question as { seq?: number } | undefined)?.seq;
        if (e.type === 'question.asked' && seq !== undefined)
          detection.push(Date.parse(e.at) - statSync(join(w.paths(id).ipc, ipcFileName(seq, 'question'))).ctimeMs);
      }
    }
    // The watcher really ran out (the daemon logs its watcher's errors).
    const enospc = (readFileSync(join(w.home, 'daemon.log'), 'utf8').match(/ENOSPC/g) ?? []).length;
    expect(enospc).toBeGreaterThan(0);
    // The machine's limit was never touched.
    expect(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim()).toBe(machineLimit);
    reportFigures(
      '06 out of watches',
      {
        'inotify watch limit (daemon namespace)': WATCH_LIMIT,
        tasks: TASKS,
        'questions asked': checked.questions,
        'answered exactly once': user.answers.length,
        'ENOSPC errors in daemon.log': enospc,
        'degraded reported, after the last run s': degradedSeconds,
        'questions seen after > 1 s (by a scan)': detection.filter((ms) => ms > 1000).length,
        ...latencyFigures('detection (question → question.asked)', detection),
      },
      wall.seconds(),
    );
  });
});
