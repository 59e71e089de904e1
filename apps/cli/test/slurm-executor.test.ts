import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, expect, it, vi } from 'vitest';
import { simWorkerPath } from '@dispatch/backends';
import { listAttempts, readJobRecord, readPidRecord, taskPaths, workspaceKey } from '@dispatch/ipc-fs';
import { ENGINE_CRASH_POINTS, slurmJobName, type TaskStatus } from '@dispatch/runtime';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, type E2eWorkspace } from './e2e-workspace.js';
import { describeSlurm, jobsNamed, processesOfTask, restartController, slurmAdmin, slurmJob } from './slurm-cluster.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const until = <T>(probe: () => T | Promise<T>, timeout = 60_000) => vi.waitUntil(probe, { timeout, interval: 100 });

/**
 * A workspace whose config sends workers to the real test cluster: executor `hpc` (Slurm, looked
 * at every second), `later` (jobs that may start only in ten minutes: they wait PENDING), and a
 * backend `simslurm` — the simulated worker, noting the SLURM_JOB_ID it sees first — sent to hpc.
 */
function slurmWorkspace(name: string): E2eWorkspace {
  const w = e2eWorkspace(name);
  const seen = `printf 'SLURM_JOB_ID=%s\\n' "$SLURM_JOB_ID" >> "$DISPATCH_TASK_DIR/seen-env"; sh '${simWorkerPath()}'`;
  writeFileSync(
    join(w.home, 'config.yaml'),
    [
      'default: x',
      'executors:',
      '  hpc: { kind: slurm, scan_interval: 1 }',
      "  later: { kind: slurm, sbatch: ['--begin=now+600'], scan_interval: 1 }",
      'backends:',
      `  simslurm: { command: ${JSON.stringify(seen)}, executor: hpc }`,
      // The simulated worker, leaving first a child of its group whose parent is gone: a process
      // a parent-following tracker (linuxproc) loses, which only the batch script's trap reaches.
      `  orphaning: { command: ${JSON.stringify(`(sleep 3600 &); sh '${simWorkerPath()}'`)}, executor: hpc }`,
      'models:',
      '  x: { backend: simslurm }',
      '  orphan: { backend: orphaning }',
      '',
    ].join('\n'),
  );
  return w;
}

async function statusOf(w: E2eWorkspace, id: string): Promise<TaskStatus> {
  const r = await w.dispatch(['status', id, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(String(r.stdout)) as TaskStatus;
}

async function run(w: E2eWorkspace, args: string[]): Promise<void> {
  const r = await w.dispatch(['run', ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
}

/** The task's job once submitted (its job record), its id as Slurm knows it. */
async function jobOf(w: E2eWorkspace, id: string, attempt = 1): Promise<string> {
  return (await until(() => readJobRecord(taskPaths(w.dispatchDir, id).attempts, attempt)))!.job;
}

/** The jobs Slurm holds under the name of the task's attempt (each attempt's name is unique). */
async function jobsOfAttempt(w: E2eWorkspace, id: string, attempt = 1): Promise<string[]> {
  return jobsNamed(await slurmJobName(taskPaths(w.dispatchDir, id), attempt));
}

function killDaemon(w: E2eWorkspace): void {
  const info = JSON.parse(readFileSync(join(w.home, 'daemon.json'), 'utf8')) as { pid: number };
  process.kill(info.pid, 'SIGKILL');
}

describeSlurm('the slurm executor, on a real single-node cluster', () => {
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });
  it('runs a task as one Slurm job: the worker sees SLURM_JOB_ID, asks, the daemon is killed -9 meanwhile, the answer comes, it completes', async () => {
    const w = slurmWorkspace('slurm-ask');
    await run(w, [
      '--executor',
      'hpc',
      '--id',
      's1',
      '--step',
      'one',
      '--step',
      'two {ask: Which database?}',
      '--step',
      'three',
      'work on the cluster',
    ]);
    const job = await jobOf(w, 's1');
    const asked = await until(async () => {
      const s = await statusOf(w, 's1');
      return s.question !== null && s.executor?.state === 'RUNNING' ? s : null;
    });
    expect(asked.state).toBe('awaiting-answer');
    expect(asked.executor).toMatchObject({ name: 'hpc', kind: 'slurm', job, state: 'RUNNING', node: 'localhost' });
    const paths = taskPaths(w.dispatchDir, 's1');
    expect(readFileSync(join(paths.dir, 'seen-env'), 'utf8')).toBe(`SLURM_JOB_ID=${job}\n`);
    // People see where it runs.
    expect(String((await w.dispatch(['status', 's1'])).stdout)).toMatch(
      new RegExp(`runs on\\s+slurm job ${job} on localhost RUNNING`),
    );
    const logs = await w.dispatch(['logs', 's1']);
    expect(logs.stderr).toContain(`attempt 1: slurm job ${job} on localhost RUNNING`);
    expect(logs.stdout).toContain('asked question 001: Which database?');
    // The inspector's task page names the job too.
    const inspector = execa('node', [bin, 'inspect', '--no-open', '--port', '0'], {
      cwd: w.dir,
      env: w.env,
      extendEnv: false,
      reject: false,
      buffer: false,
    });
    try {
      const url = new URL(
        await new Promise<string>((resolve) => {
          let out = '';
          inspector.stdout!.on('data', (c: Buffer) => {
            out += c.toString('utf8');
            if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
          });
        }),
      );
      const res = await fetch(`${url.origin}/api/tasks/${workspaceKey(w.dispatchDir)}/s1`, {
        headers: { 'x-dispatch-token': url.searchParams.get('token')! },
      });
      const detail = (await res.json()) as { task: { executor: { job: string; line: string } | null } };
      expect(detail.task.executor).toMatchObject({ job, line: `slurm job ${job} on localhost RUNNING` });
    } finally {
      inspector.kill('SIGTERM');
    }

    killDaemon(w);
    const answered = await w.dispatch(['answer', 's1', 'Postgres']);
    expect(answered.exitCode, answered.stderr).toBe(0);
    await until(async () => (await statusOf(w, 's1')).state === 'completed');
    expect((await statusOf(w, 's1')).items.map((i) => i.mark)).toEqual(['done', 'done', 'done']);
    // One attempt, one job; its output went to the task's log, never to slurm-<job>.out in the workspace.
    expect(await listAttempts(paths.attempts)).toEqual([1]);
    expect(await jobsOfAttempt(w, 's1')).toEqual([job]);
    expect(readdirSync(w.dir).filter((f) => f.startsWith('slurm-'))).toEqual([]);
    expect((await slurmJob(job))?.state).toBe('COMPLETED');
    // What status shows of the job follows it to its end, after the worker's.
    await until(async () => (await statusOf(w, 's1')).executor?.state === 'COMPLETED');
    expect(readFileSync(paths.workerLog, 'utf8')).toContain('asked question 001: Which database?');
  });

  it('cancel ends the job (CANCELLED) and leaves no process of the task, not even one its tracker lost', async () => {
    const w = slurmWorkspace('slurm-cancel');
    await run(w, ['--model', 'orphan', '--id', 'c1', '--step', 'forever {hang}', 'never ends']);
    const job = await jobOf(w, 'c1');
    await until(async () => (await statusOf(w, 'c1')).executor?.state === 'RUNNING');
    const paths = taskPaths(w.dispatchDir, 'c1');
    await until(async () => (await processesOfTask(paths.dir)).length > 0);
    const r = await w.dispatch(['cancel', 'c1']);
    expect(r.exitCode, r.stderr).toBe(0);
    await until(async () => (await statusOf(w, 'c1')).state === 'cancelled');
    await until(async () => (await slurmJob(job))?.state === 'CANCELLED');
    await until(async () => (await processesOfTask(paths.dir)).length === 0);
  });

  it.each([
    ['scancel', ['scancel']],
    ['scancel --full -s KILL (the batch script killed: no exit record)', ['scancel', '--full', '-s', 'KILL']],
  ])(
    "a job ended behind dispatch's back (%s) fails the task with Slurm's state in its message",
    async (_name, command) => {
      const w = slurmWorkspace('slurm-foreign');
      await run(w, ['--model', 'orphan', '--id', 'f1', '--step', 'forever {hang}', 'never ends']);
      const job = await jobOf(w, 'f1');
      await until(async () => (await statusOf(w, 'f1')).executor?.state === 'RUNNING');
      // Once the worker runs (its pid recorded): a cancel in the job's first milliseconds, before
      // the wrapper records the worker's group, is a case the batch script does not cover yet.
      await until(() => readPidRecord(taskPaths(w.dispatchDir, 'f1').attempts, 1));
      await slurmAdmin(command[0]!, [...command.slice(1), job]);
      const failed = await until(async () => {
        const s = await statusOf(w, 'f1');
        return s.state === 'failed' ? s : null;
      });
      expect(failed.error?.message).toMatch(new RegExp(`Slurm job ${job} ended (CANCELLED|FAILED)`));
      expect(failed.error?.kind).toBe('interrupted');
      const left = () => processesOfTask(taskPaths(w.dispatchDir, 'f1').dir);
      if (command.includes('KILL')) {
        // SIGKILL leaves the batch script no word: a worker's child whose parents died escapes a
        // tracker that follows parents (this cluster's proctrack/linuxproc; proctrack/cgroup holds
        // it). Not dispatch's to reach on another node: the test removes what its cluster left.
        for (const pid of await left()) process.kill(pid, 'SIGKILL');
      } else {
        await until(async () => (await left()).length === 0);
      }
    },
  );

  it("a job scancelled while no daemon runs fails the task with Slurm's state once one runs again", async () => {
    const w = slurmWorkspace('slurm-away');
    await run(w, ['--executor', 'hpc', '--id', 'a1', '--step', 'forever {hang}', 'never ends']);
    const job = await jobOf(w, 'a1');
    await until(async () => (await statusOf(w, 'a1')).executor?.state === 'RUNNING');
    killDaemon(w);
    await slurmAdmin('scancel', [job]);
    await until(async () => (await slurmJob(job))?.state === 'CANCELLED');
    expect((await w.dispatch(['daemon', 'start'])).exitCode).toBe(0);
    const failed = await until(async () => {
      const s = await statusOf(w, 'a1');
      return s.state === 'failed' ? s : null;
    });
    expect(failed.error?.message).toMatch(new RegExp(`^Slurm job ${job} ended CANCELLED .*cancelled outside dispatch`));
  });

  it("a job Slurm holds pending stays starting, with Slurm's reason shown, and runs once released", async () => {
    const w = slurmWorkspace('slurm-hold');
    await run(w, ['--model', 'sim', '--executor', 'later', '--id', 'h1', '--step', 'one', 'wait your turn']);
    const job = await jobOf(w, 'h1');
    await slurmAdmin('scontrol', ['hold', job]);
    const held = await until(async () => {
      const s = await statusOf(w, 'h1');
      return /^JobHeld(User|Admin)$/.test(s.executor?.reason ?? '') ? s : null;
    });
    expect(held.state).toBe('starting');
    expect(held.executor).toMatchObject({ kind: 'slurm', job, state: 'PENDING' });
    expect(String((await w.dispatch(['status', 'h1'])).stdout)).toMatch(
      new RegExp(`slurm job ${job} PENDING \\(JobHeld(User|Admin)\\)`),
    );
    expect(String((await w.dispatch(['status'])).stdout)).toMatch(
      new RegExp(`h1 +starting .*slurm job ${job} PENDING`),
    );
    await slurmAdmin('scontrol', ['release', job]);
    await slurmAdmin('scontrol', ['update', `JobId=${job}`, 'StartTime=now']);
    await until(async () => (await statusOf(w, 'h1')).state === 'completed');
    expect(await jobsOfAttempt(w, 'h1')).toEqual([job]);
  });

  it('restarting slurmctld while a job runs loses nothing', async () => {
    const w = slurmWorkspace('slurm-ctld');
    await run(w, [
      '--executor',
      'hpc',
      '--id',
      'r1',
      '--step',
      'one {sleep: 4}',
      '--step',
      'two {ask: Go on?}',
      'outlive the controller',
    ]);
    const job = await jobOf(w, 'r1');
    await until(async () => (await statusOf(w, 'r1')).executor?.state === 'RUNNING');
    await restartController();
    await until(async () => (await statusOf(w, 'r1')).question !== null);
    expect((await w.dispatch(['answer', 'r1', 'yes'])).exitCode).toBe(0);
    await until(async () => (await statusOf(w, 'r1')).state === 'completed');
    expect(await jobsOfAttempt(w, 'r1')).toEqual([job]);
  });

  it.each(ENGINE_CRASH_POINTS)('a daemon killed at %s never submits twice', async (point) => {
    const w = slurmWorkspace('slurm-crash');
    const r = await execa(
      'node',
      [bin, 'run', '--executor', 'hpc', '--id', 'k1', '--step', 'one', 'crash after submit'],
      {
        cwd: w.dir,
        env: { ...w.env, DISPATCH_CRASH_AT: point, DISPATCH_PID_WAIT_MS: '500' },
        extendEnv: false,
        reject: false,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const paths = taskPaths(w.dispatchDir, 'k1');
    // The daemon died between sbatch and the job record: the job exists, the record does not.
    await until(async () => (await jobsOfAttempt(w, 'k1')).length === 1);
    await until(async () => !(await w.daemonRunning()));
    expect(existsSync(join(paths.attempts, '1.job.json'))).toBe(false);
    // The next daemon (any command starts one) finds the job by its name instead of submitting again.
    expect((await w.dispatch(['daemon', 'start'])).exitCode).toBe(0);
    await until(async () => (await statusOf(w, 'k1')).state === 'completed');
    // ...and records it (status names it), whether the job still runs or ended meanwhile.
    const record = await until(() => readJobRecord(paths.attempts, 1));
    expect(await jobsOfAttempt(w, 'k1')).toEqual([record.job]);
    expect((await statusOf(w, 'k1')).executor).toMatchObject({ kind: 'slurm', job: record.job });
  });

  it('a job lost with its node (NODE_FAIL) goes again on its own, logged as a retry by the engine, and completes', async () => {
    const w = slurmWorkspace('slurm-node-fail');
    await run(w, ['--executor', 'hpc', '--id', 'n1', '--step', 'one {sleep: 3}', '--step', 'two', 'outlive a node']);
    const first = await jobOf(w, 'n1');
    await until(async () => (await statusOf(w, 'n1')).executor?.state === 'RUNNING');
    try {
      // The node goes down under its job: Slurm ends it NODE_FAIL (jobs are submitted --no-requeue).
      await slurmAdmin('scontrol', ['update', 'nodename=localhost', 'state=down', 'reason=dispatch-node-fail-test']);
      await until(async () => (await slurmJob(first))?.state === 'NODE_FAIL');
      // Attempt 2 is submitted at once and waits for a node, holding its slot.
      const second = await jobOf(w, 'n1', 2);
      expect(second).not.toBe(first);
      await until(async () => (await statusOf(w, 'n1')).state === 'starting');
    } finally {
      // The test cluster returns a node that answers to service by itself (ReturnToService=2): a
      // resume is then refused as an invalid transition, which is fine.
      await execa('scontrol', ['update', 'nodename=localhost', 'state=resume'], { reject: false });
    }
    await until(async () => (await statusOf(w, 'n1')).state === 'completed');
    const log = readFileSync(taskPaths(w.dispatchDir, 'n1').events, 'utf8');
    expect(log).toMatch(/"type":"retry"[^\n]*"by":"engine"/);
    expect(await listAttempts(taskPaths(w.dispatchDir, 'n1').attempts)).toEqual([1, 2]);
    expect(await jobsOfAttempt(w, 'n1', 1)).toEqual([first]);
    expect(await jobsOfAttempt(w, 'n1', 2)).toHaveLength(1);
  });

  it('doctor checks each Slurm executor; a workspace in /tmp is refused once the cluster has more than one node', async () => {
    const w = slurmWorkspace('slurm-doctor');
    const doctor = await w.dispatch(['doctor', '--json']);
    const report = JSON.parse(String(doctor.stdout)) as { executors: Record<string, unknown>[]; problems: string[] };
    expect(report.executors.map((e) => e.executor)).toEqual(['hpc', 'later']);
    expect(report.executors[0]).toMatchObject({
      sbatch: expect.stringMatching(/sbatch$/),
      error: null,
      nodeLocal: null,
    });
    expect(report.executors[0]!.nodes).toEqual([{ name: 'localhost', state: expect.any(String) }]);
    expect(report.problems).toEqual([]);
    expect(String((await w.dispatch(['doctor'])).stdout)).toMatch(/✓ hpc +slurm · sbatch \S+ · 1 node/);

    // A TEST DOUBLE of sinfo listing three nodes: this workspace, in /tmp, is one no other node sees.
    const fake = mkdtempSync(join(tmpdir(), 'dispatch-fake-multi-node-sinfo-'));
    writeFileSync(join(fake, 'sinfo'), "#!/bin/sh\nprintf 'node01|idle\\nnode02|idle\\nnode03|mixed\\n'\n", {
      mode: 0o755,
    });
    const env = { ...w.env, PATH: `${fake}:${w.env.PATH}` };
    const many = await execa('node', [bin, 'doctor'], { cwd: w.dir, env, extendEnv: false, reject: false });
    expect(many.exitCode).toBe(1);
    expect(many.stdout).toContain(`executor hpc: ${w.dir} is on this machine only, and the cluster has 3 nodes`);
    const refused = await execa('node', [bin, 'run', '--executor', 'hpc', '--id', 'm1', 'far away'], {
      cwd: w.dir,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `dispatch: --executor hpc: ${w.dir} is on this machine only, and the cluster has 3 nodes: put the workspace and DISPATCH_HOME on a filesystem the nodes share`,
    );
    expect(existsSync(taskPaths(w.dispatchDir, 'm1').dir)).toBe(false);
  });

  it('a daemon killed while a slow sbatch still submits: the next one waits for that job instead of submitting another', async () => {
    const w = slurmWorkspace('slurm-slow-sbatch');
    // A TEST DOUBLE in front of the real sbatch: a controller that takes 16 s to accept a job (longer than the 10 s a restarted daemon waits for a worker to show).
    const slow = mkdtempSync(join(tmpdir(), 'dispatch-slow-sbatch-'));
    writeFileSync(
      join(slow, 'sbatch'),
      `#!/bin/sh\necho called >> '${slow}/calls'\nsleep 16\nexec /usr/bin/sbatch "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const env = { ...w.env, PATH: `${slow}:${w.env.PATH}`, DISPATCH_PID_WAIT_MS: '500' };
    const r = await execa('node', [bin, 'run', '--executor', 'hpc', '--id', 'd1', '--step', 'one', 'slow submit'], {
      cwd: w.dir,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const paths = taskPaths(w.dispatchDir, 'd1');
    await until(() => existsSync(join(paths.attempts, '1.submitting')));
    killDaemon(w);
    expect((await execa('node', [bin, 'daemon', 'start'], { cwd: w.dir, env, extendEnv: false })).exitCode).toBe(0);
    await until(async () => (await statusOf(w, 'd1')).state === 'completed');
    const record = await until(() => readJobRecord(paths.attempts, 1));
    expect(await jobsOfAttempt(w, 'd1')).toEqual([record.job]);
    expect(readFileSync(paths.workerLog, 'utf8').match(/sim-worker: working on/g)).toHaveLength(1);
    // One sbatch in all: the next daemon never started a second submit of the same attempt.
    expect(readFileSync(join(slow, 'calls'), 'utf8')).toBe('called\n');
  });

  it('run --executor with a name the config lacks exits 2 with one line, and writes nothing', async () => {
    const w = slurmWorkspace('slurm-nope');
    const r = await w.dispatch(['run', '--executor', 'hcp', '--id', 'n1', 'nowhere']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /--executor "hcp": no such executor .*executors: local, hpc, later \(did you mean hpc\?\)/,
    );
    expect(existsSync(w.dispatchDir) && readdirSync(join(w.dispatchDir, 'tasks')).length > 0).toBe(false);
  });
});
