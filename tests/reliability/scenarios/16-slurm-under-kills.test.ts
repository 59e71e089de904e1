import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FINAL_STATES } from '@dispatch/core';
import {
  attemptFiles,
  ipcFileName,
  listAttempts,
  readAnswer,
  readAttemptClaim,
  readEventLog,
  readJobRecord,
} from '@dispatch/ipc-fs';
import {
  allFinal,
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  describeSlurm,
  latencyFigures,
  reportFigures,
  sleep,
  slurmAttempts,
  startScriptedUser,
  startWallClock,
  waitFor,
  type Workspace,
} from '../harness/index.js';

// Scenario 16: Slurm under kills. 20 tasks sent to the real test cluster (executor `hpc`, one
// sbatch job per attempt), each asking two questions a scripted user answers once, while the
// daemon is SIGKILLed every 0.5–3 s and restarted after 0–1.5 s, and killed again 0–40 ms after
// it claims every other task's attempt. The tasks arrive through most of the storm, so kills land around submits (sbatch
// in flight, a job not yet recorded), pending and running jobs, questions and exits. Workers outlive the daemon in their jobs; no
// restarted daemon may submit an attempt's job again: Slurm must hold exactly one job under each
// attempt's unique name, the one its job record names.
const TASKS = 20;
const QUESTIONS = 2;
const CREATE_EVERY_MS = 2000;
/** The storm stops once every task has ended, or after this long (the settle below then waits). */
const STORM_MAX_MS = 150_000;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

const between = (min: number, max: number) => min + Math.random() * (max - min);

describeSlurm('16 slurm under kills', () => {
  it(`${TASKS} Slurm tasks × ${QUESTIONS} questions while the daemon is killed every 0.5–3 s: nothing lost, one job per attempt`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('slurm-kills', {
      env: { DISPATCH_DAEMON_IDLE_MS: '10000', DISPATCH_PID_WAIT_MS: '500' },
      // The built-in `sim` model runs the tasks (`run --model sim --executor hpc`); the config
      // needs a default of its own.
      config: [
        'default: x',
        'executors:',
        '  hpc: { kind: slurm, scan_interval: 1 }',
        'backends:',
        '  shell: { command: "sh -c true" }',
        'models:',
        '  x: { backend: shell }',
        '',
      ].join('\n'),
    });
    const w = ws;
    const user = startScriptedUser(w, { intervalMs: 200 });
    const ids = Array.from({ length: TASKS }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
    const steps = (id: string) => [`one {ask: Q1 of ${id}?}`, `two {sleep: 2} {ask: Q2 of ${id}?}`, 'three {sleep: 1}'];

    // Every job Slurm showed under an attempt's name, from when its task ended to the end: Slurm
    // forgets ended jobs after MinJobAge (300 s), so each task is looked at as soon as it ends.
    const seen = new Map<string, Set<string>>();
    const looked = new Set<string>();
    const lookAtEnded = async () => {
      const ended: string[] = [];
      for (const id of await w.taskIds())
        if (!looked.has(id) && FINAL_STATES.includes(await w.state(id))) ended.push(id);
      for (const a of await slurmAttempts(w, ended)) {
        const jobs = seen.get(a.name) ?? new Set<string>();
        for (const job of a.jobs) jobs.add(job);
        seen.set(a.name, jobs);
      }
      for (const id of ended) looked.add(id);
    };

    // Kills at random moments (every 0.5–3 s), plus one aimed at every other submit: 0–40 ms after
    // the daemon claims the attempt — while it runs sbatch or before it records the job, which
    // the next daemon must then find by its name instead of submitting again.
    const killedAt: number[] = [];
    const kill = () => {
      if (w.killDaemon() !== null) killedAt.push(Date.now());
    };
    const killAtSubmit = async (id: string) => {
      const claim = attemptFiles(w.paths(id).attempts, 1).claim;
      const claimed = await waitFor(() => existsSync(claim), { timeoutMs: 5000, intervalMs: 5 }).catch(() => false);
      if (!claimed) return; // the storm killed the daemon first: the next one claims it
      await sleep(between(0, 40));
      kill();
    };
    let created = 0;
    let refused: unknown;
    const creating = (async () => {
      for (const [i, id] of ids.entries()) {
        await w.run(id, steps(id), { args: ['--executor', 'hpc'] });
        created++;
        if (i % 2 === 0) await killAtSubmit(id);
        await sleep(CREATE_EVERY_MS);
      }
    })().catch((err: unknown) => {
      refused = err;
    });
    let restarts = 0;
    const storming = async () =>
      refused === undefined && (created < TASKS || !(await allFinal(w))) && wall.seconds() * 1000 < STORM_MAX_MS;
    while (await storming()) {
      await sleep(between(500, 3000));
      kill();
      await sleep(between(0, 1500));
      if (w.daemon() === null) {
        await w.startDaemon();
        restarts++;
      }
      await lookAtEnded();
    }
    await creating;
    if (refused !== undefined) throw refused;
    const stormSeconds = wall.seconds();
    const settle = startWallClock();
    await waitFor(
      async () => {
        // The daemon may exit idle while a task waits for the user's answer; bring one back.
        if (w.daemon() === null) await w.startDaemon();
        await lookAtEnded();
        return allFinal(w);
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'every task to end after the storm' },
    );
    const settleSeconds = settle.seconds();
    await user.stop();

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

    // One Slurm job per attempt: the one its record names, whatever daemons came and went.
    const attempts = await slurmAttempts(w);
    const jobsOf = (name: string, now: string[]) => [...new Set([...(seen.get(name) ?? []), ...now])].sort();
    expect(
      attempts.map((a) => ({ task: a.id, attempt: a.attempt, jobs: jobsOf(a.name, a.jobs) })),
      'the jobs Slurm holds under each attempt’s name',
    ).toEqual(attempts.map((a) => ({ task: a.id, attempt: a.attempt, jobs: a.recorded === null ? [] : [a.recorded] })));
    expect(attempts.every((a) => a.recorded !== null)).toBe(true);
    expect(report.jobs).toBe(attempts.length);
    // Each ended as its worker did (COMPLETED), as far as Slurm still shows them.
    const jobIds = attempts.map((a) => a.recorded as string);
    const states = await execa('squeue', ['-h', '-t', 'all', '-j', jobIds.join(','), '-o', '%i %T'], {
      reject: false,
    });
    const jobStates = String(states.stdout)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(' '));
    expect(jobStates.filter(([, state]) => state !== 'COMPLETED')).toEqual([]);

    const detection: number[] = [];
    const submit: number[] = [];
    let killedBeforeRecord = 0;
    const jobStart: number[] = [];
    const taskTime: number[] = [];
    for (const id of ids) {
      const paths = w.paths(id);
      // Workers outlive the daemon in their jobs: no kill may make one start twice — not even in
      // a second job Slurm has forgotten since (each sim worker notes its start in worker.log).
      expect(await listAttempts(paths.attempts)).toEqual([1]);
      expect(readFileSync(paths.workerLog, 'utf8').match(/^sim-worker: working on /gm), `${id}'s workers`).toHaveLength(
        1,
      );
      const { events } = await readEventLog(paths.events);
      for (const e of events) {
        const seq = (e.question as { seq?: number } | undefined)?.seq;
        if (e.type === 'question.asked' && seq !== undefined)
          detection.push(Date.parse(e.at) - statSync(join(paths.ipc, ipcFileName(seq, 'question'))).ctimeMs);
      }
      const createdAt = Date.parse(String(events.find((e) => e.type === 'task.created')?.at));
      const completedAt = Date.parse(
        String(events.find((e) => e.type === 'state.entered' && e.state === 'completed')?.at),
      );
      taskTime.push(completedAt - createdAt);
      const claimedAt = Date.parse(String((await readAttemptClaim(paths.attempts, 1))?.claimedAt));
      const recordedAt = Date.parse(String((await readJobRecord(paths.attempts, 1))?.submittedAt));
      submit.push(recordedAt - claimedAt);
      if (killedAt.some((t) => claimedAt <= t && t <= recordedAt)) killedBeforeRecord++;
      // The wrapper writes the pid record once Slurm started the job on the node.
      jobStart.push(statSync(attemptFiles(paths.attempts, 1).pid).mtimeMs - claimedAt);
    }
    const daemonLog = readFileSync(join(w.home, 'daemon.log'), 'utf8');
    expect(killedAt.length).toBeGreaterThanOrEqual(10);
    reportFigures(
      '16 slurm under kills',
      {
        tasks: TASKS,
        'questions asked': report.questions,
        'answered exactly once': user.answers.length,
        acknowledged: report.acks,
        'Slurm jobs (one per attempt, each the recorded one)': attempts.length,
        'daemon SIGKILLs': killedAt.length,
        'kills between an attempt’s claim and its job record': killedBeforeRecord,
        'daemon restarts by the test': restarts,
        'daemons started in all': (daemonLog.match(/ started \(pid /g) ?? []).length,
        'daemon log error lines': (daemonLog.match(/ error: /g) ?? []).length,
        'events logged': report.events,
        'storm s': stormSeconds,
        'all done after the storm s': settleSeconds,
        // A kill between the claim and the record leaves the record to the next daemon (found by name).
        ...latencyFigures('claim → job recorded', submit),
        ...latencyFigures('claim → worker pid on the node (sbatch, scheduling, start)', jobStart),
        ...latencyFigures('question → question.asked as logged', detection),
        ...latencyFigures('task created → completed', taskTime),
      },
      wall.seconds(),
    );
  }, 420_000);
});
