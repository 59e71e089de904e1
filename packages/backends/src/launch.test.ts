import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createTaskFolder,
  readExitRecord,
  readPidRecord,
  readPlan,
  renderPlan,
  summarizePlan,
  writeAnswer,
  listIpc,
  type TaskPaths,
} from '@dispatch/ipc-fs';
import {
  buildWorkerCommand,
  isSameProcess,
  launchWorker,
  signalWorker,
  simWorkerCommand,
  workerEnv,
  workerPrompt,
} from './index.js';

/** Waits for a condition (never a fixed sleep); resolves with its first truthy value. */
const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 20_000, interval: 20 });

async function simTask(steps: string[]) {
  const workspace = mkdtempSync(join(tmpdir(), 'dispatch-launch-'));
  const dispatchDir = join(workspace, '.dispatch');
  const task = {
    id: 'sim-task',
    title: 'Sim',
    prompt: 'p',
    model: 'sim',
    backend: 'sim',
    options: {},
    createdAt: new Date().toISOString(),
  };
  const paths = await createTaskFolder(dispatchDir, task, renderPlan('Sim', steps));
  return { workspace, dispatchDir, paths };
}

async function launchSim(workspace: string, dispatchDir: string, paths: TaskPaths, attempt = 1) {
  const prompt = workerPrompt({
    planPath: paths.plan,
    ipcDir: paths.ipc,
    contextPath: paths.context,
    answerTimeoutSeconds: 30,
    startReason: 'first',
  });
  const env = workerEnv(
    { PATH: process.env.PATH, DISPATCH_SIM_STEP: '0.05' },
    {
      taskId: paths.id,
      taskDir: paths.dir,
      ipcDir: paths.ipc,
      planPath: paths.plan,
      dispatchDir,
      answerTimeoutSeconds: 30,
      bin: 'dispatch',
    },
  );
  const command = buildWorkerCommand({ command: simWorkerCommand(), modelFlag: null, model: null, prompt });
  return launchWorker({ attemptsDir: paths.attempts, attempt, logFile: paths.workerLog, command, cwd: workspace, env });
}

describe('launchWorker with the simulated worker', () => {
  it('runs the worker to its end: questions answered, items marked, pid and exit recorded', async () => {
    const { workspace, dispatchDir, paths } = await simTask([
      'Scan',
      'Review auth {ask: JWT or sessions?}',
      'Write output.md',
    ]);
    const { wrapperPid } = await launchSim(workspace, dispatchDir, paths);
    expect(wrapperPid).toBeGreaterThan(0);
    // The wrapper runs in a session of its own, so it outlives whoever launched it.
    const sid = (pid: number) => execFileSync('ps', ['-o', 'sid=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    expect(sid(wrapperPid)).not.toBe(sid(process.pid));

    await until(async () => (await listIpc(paths.ipc)).questions.length === 1);
    await writeAnswer(paths.ipc, 1, 'JWT');
    const exit = await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined));
    expect(exit).toMatchObject({ code: 0, signal: null });

    const plan = await readPlan(paths.plan);
    expect(summarizePlan(plan!)).toMatchObject({ total: 3, done: 3 });
    expect(plan!.items[1]?.note).toBe('answered: JWT');
    const ipc = await listIpc(paths.ipc);
    expect(ipc.acks.has(1)).toBe(true);
    expect(ipc.workerDone).toBe(true);
    const pid = await readPidRecord(paths.attempts, 1);
    expect(pid?.startTime).toMatch(/^\d+$/);
    expect(isSameProcess(pid!.pid, pid!.startTime)).toBe(false);
    expect(await readFile(paths.workerLog, 'utf8')).toMatch(/asked question 001/);
  });

  it('records a failed exit code and the [!] item', async () => {
    const { workspace, dispatchDir, paths } = await simTask(['Check auth/ {fail: auth/ directory not found}']);
    await launchSim(workspace, dispatchDir, paths);
    expect(await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined))).toMatchObject({ code: 1 });
    expect((await readPlan(paths.plan))!.items[0]).toMatchObject({
      mark: 'error',
      detail: 'Error: auth/ directory not found',
    });
  });

  it('signalWorker stops the whole process group; the wrapper still writes the exit record', async () => {
    const { workspace, dispatchDir, paths } = await simTask(['Forever {hang}']);
    await launchSim(workspace, dispatchDir, paths);
    const pid = await until(() => readPidRecord(paths.attempts, 1).then((r) => r ?? undefined));
    // worker.log appears when the worker starts, a moment after its pid record: not there yet is "not yet".
    await until(async () => (await readFile(paths.workerLog, 'utf8').catch(() => '')).includes('hanging'));
    expect(await signalWorker(paths.attempts, 1, 'SIGTERM')).toBe(true);
    const exit = await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined));
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(isSameProcess(pid.pid, pid.startTime)).toBe(false);
    // Nothing of the group is left (the sim's `sleep` children included).
    const groupGone = () =>
      !execFileSync('ps', ['-e', '-o', 'pgid='], { encoding: 'utf8' })
        .split('\n')
        .map((s) => s.trim())
        .includes(String(pid.pid));
    await until(groupGone);
    expect(await signalWorker(paths.attempts, 1)).toBe(false);
  });

  it('signalWorker still reaches a grandchild that ignored the SIGTERM its worker died of', async () => {
    const { workspace, dispatchDir, paths } = await simTask(['Forever']);
    const env = workerEnv(
      { PATH: process.env.PATH },
      {
        taskId: paths.id,
        taskDir: paths.dir,
        ipcDir: paths.ipc,
        planPath: paths.plan,
        dispatchDir,
        answerTimeoutSeconds: 30,
        bin: 'dispatch',
      },
    );
    const stubborn = `sh -c 'trap "" TERM; echo started; while :; do sleep 1; done' & wait`;
    const command = buildWorkerCommand({ command: stubborn, modelFlag: null, model: null, prompt: 'p' });
    await launchWorker({
      attemptsDir: paths.attempts,
      attempt: 1,
      logFile: paths.workerLog,
      command,
      cwd: workspace,
      env,
    });
    const pid = await until(() => readPidRecord(paths.attempts, 1).then((r) => r ?? undefined));
    await until(async () => (await readFile(paths.workerLog, 'utf8').catch(() => '')).includes('started'));
    const group = () =>
      execFileSync('ps', ['-e', '-o', 'pgid='], { encoding: 'utf8' })
        .split('\n')
        .filter((s) => s.trim() === String(pid.pid)).length;
    expect(await signalWorker(paths.attempts, 1, 'SIGTERM')).toBe(true);
    await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined));
    expect(isSameProcess(pid.pid, pid.startTime)).toBe(false);
    expect(group()).toBeGreaterThan(0); // the leader is gone, its stubborn grandchild is not
    expect(await signalWorker(paths.attempts, 1, 'SIGKILL')).toBe(true);
    await until(() => group() === 0);
    expect(await signalWorker(paths.attempts, 1, 'SIGKILL')).toBe(false);
  });

  it("a command that is not installed exits 127 with the shell's message in worker.log", async () => {
    const { workspace, paths } = await simTask(['x']);
    const command = buildWorkerCommand({ command: 'no-such-agent-cli -p', modelFlag: null, model: null, prompt: 'p' });
    await launchWorker({
      attemptsDir: paths.attempts,
      attempt: 1,
      logFile: paths.workerLog,
      command,
      cwd: workspace,
      env: { PATH: process.env.PATH },
    });
    expect(await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined))).toMatchObject({
      code: 127,
    });
    expect(await readFile(paths.workerLog, 'utf8')).toMatch(/no-such-agent-cli: not found/);
  });
});

describe('the sim worker double', () => {
  it('numbers questions past 9 (no octal trouble) and each gets answered and acknowledged', async () => {
    const steps = Array.from({ length: 11 }, (_, i) => `Step ${i + 1} {ask: question ${i + 1}?}`);
    const { workspace, dispatchDir, paths } = await simTask(steps);
    await launchSim(workspace, dispatchDir, paths);
    for (let seq = 1; seq <= 11; seq++) {
      await until(async () => (await listIpc(paths.ipc)).questions.includes(seq));
      await writeAnswer(paths.ipc, seq, `answer ${seq}`);
    }
    expect(await until(() => readExitRecord(paths.attempts, 1).then((r) => r ?? undefined))).toMatchObject({ code: 0 });
    const ipc = await listIpc(paths.ipc);
    expect(ipc.questions).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect([...ipc.acks].sort((a, b) => a - b)).toEqual(ipc.questions);
    expect((await readPlan(paths.plan))!.items.map((i) => i.note)).toEqual(
      steps.map((_, i) => `answered: answer ${i + 1}`),
    );
  });
});
