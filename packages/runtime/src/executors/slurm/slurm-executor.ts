import { isSameProcess, processStartTime, shellQuote, WRAPPER_SCRIPT } from '@dispatch/backends';
import type { ExecutorConfig } from '@dispatch/config';
import {
  type EngineView,
  type JobRecord,
  readAttemptClaim,
  readEngineView,
  readJobRecord,
  type TaskPaths,
  writeEngineView,
  writeFileAtomic,
  writeJobRecord,
} from '@dispatch/ipc-fs';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from '../../daemon/crash-points.js';
import type { AttemptLaunch, Executor, Presence } from '../executor.js';
import { jobEnded } from './job-states.js';
import { type JobQueue, jobQueue } from './job-queue.js';
import { cancelJob, findJobNamed, SlurmUnavailable, submitJob } from './slurm-commands.js';

/** How often Slurm is asked about a job when the config names no `scan_interval`. */
export const SLURM_SCAN_SECONDS = 5;

/**
 * The job name of attempt N: unique per workspace, task, attempt and claim (a task id used again
 * after `clean` claims anew), so that the job of a submit whose daemon died before recording its
 * id is found again — and only it — instead of submitted twice.
 */
export function jobName(paths: TaskPaths, attempt: number, claimedAt: string): string {
  const where = createHash('sha256').update(`${paths.attempts}\0${claimedAt}`).digest('hex').slice(0, 10);
  return `dispatch-${paths.id}-${attempt}-${where}`;
}

/** Attempt N's job name, from its claim. */
export async function jobNameOf(paths: TaskPaths, attempt: number): Promise<string> {
  return jobName(paths, attempt, (await readAttemptClaim(paths.attempts, attempt))?.claimedAt ?? '');
}

/**
 * How long an sbatch whose daemon died may still be submitting: its own timeout is the dead
 * daemon's to enforce, and Slurm retries a busy controller. Until then no job under the
 * attempt's name does not mean none will come.
 */
const SUBMIT_WINDOW_MS = 60_000;

const submittingFile = (paths: TaskPaths, attempt: number) => join(paths.attempts, `${attempt}.submitting`);

/** Whether attempt N's sbatch may still be on its way: its process runs, or it started only just. */
async function maybeSubmitting(paths: TaskPaths, attempt: number): Promise<boolean> {
  const [pid, start = ''] = (await readFile(submittingFile(paths, attempt), 'utf8').catch(() => '')).trim().split(' ');
  if (pid && isSameProcess(Number(pid), start)) return true;
  const written = await stat(join(paths.attempts, `${attempt}.sbatch`)).catch(() => null);
  return written !== null && Date.now() - written.mtimeMs < SUBMIT_WINDOW_MS;
}

/** A path as an sbatch `--output` takes it: `%` starts a pattern there (`%j`), `%%` is a plain `%`. */
function slurmFilename(path: string): string {
  return path.replaceAll('%', '%%');
}

/**
 * The job's batch script: the worker wrapper (the same as a local attempt's), plus what Slurm's
 * process tracking may miss — when Slurm ends the job (a cancel, its time limit) it sends SIGTERM
 * to the job's processes, and one whose parent died first (the worker's `sleep`) can escape a
 * tracker that follows parents (proctrack/linuxproc); the trap sends the worker's whole process
 * group SIGTERM, then SIGKILL 5 s later, as a local cancel does. The trap is set before the
 * wrapper starts (a cancel may come at once), and `kill -SIG -GROUP` is written as dash's builtin
 * takes it (no `--`). Arguments: the wrapper's.
 */
function batchScript(id: string, attempt: number): string {
  return `#!/bin/sh
# dispatch: the worker wrapper of task ${id}, attempt ${attempt}, as a Slurm batch job
attempts=$1; n=$2; wrapper=
group() { cut -d' ' -f1 "$attempts/$n.pid" 2>/dev/null; }
stop() {
  [ -n "$wrapper" ] && kill -TERM "$wrapper" 2>/dev/null
  g=$(group); [ -n "$g" ] && kill -TERM "-$g" 2>/dev/null
  sleep 5
  g=$(group); [ -n "$g" ] && kill -KILL "-$g" 2>/dev/null
  exit 143
}
trap stop TERM
sh -c ${shellQuote(WRAPPER_SCRIPT)} dispatch-wrapper "$@" &
wrapper=$!
wait "$wrapper"
`;
}

/**
 * Workers as Slurm batch jobs, one per attempt (DESIGN.md's "Executors (Contract)"): the job runs
 * the same wrapper, on a node that shares the workspace's filesystem, and the daemon follows it
 * through the records and through squeue. Options dispatch owns (`--job-name`, `--output`,
 * `--chdir`...) come after the config's `sbatch` words, so they always hold.
 */
export function createSlurmExecutor(config: ExecutorConfig, queue: JobQueue = jobQueue): Executor {
  const everyMs = Math.round((config.scanInterval ?? SLURM_SCAN_SECONDS) * 1000);

  /**
   * The attempt's job record; one a crashed submit left unrecorded is looked up by name and
   * recorded; `submitting` while an sbatch a dead daemon started may still submit it.
   */
  async function jobOf(paths: TaskPaths, attempt: number): Promise<JobRecord | 'submitting' | null> {
    const recorded = await readJobRecord(paths.attempts, attempt);
    if (recorded) return recorded;
    const name = await jobNameOf(paths, attempt);
    const job = await findJobNamed(name);
    if (job === null) return (await maybeSubmitting(paths, attempt)) ? 'submitting' : null;
    const record: JobRecord = {
      executor: config.name,
      kind: 'slurm',
      job,
      name,
      submittedAt: new Date().toISOString(),
    };
    await writeJobRecord(paths.attempts, attempt, record).catch(() => undefined); // another host recorded it first
    return (await readJobRecord(paths.attempts, attempt)) ?? record;
  }

  /** Keeps the engine view file (what status shows) in step with Slurm, writing only on change. */
  async function note(paths: TaskPaths, attempt: number, view: Omit<EngineView, 'at'>): Promise<void> {
    const last = await readEngineView(paths.attempts, attempt).catch(() => null);
    if (last && last.state === view.state && last.reason === view.reason && last.node === view.node) return;
    await writeEngineView(paths.attempts, attempt, { ...view, at: new Date().toISOString() });
  }

  return {
    name: config.name,
    kind: 'slurm',
    presenceEveryMs: everyMs,
    recordsEveryMs: 200,

    async launch(run: AttemptLaunch): Promise<void> {
      const { paths, attempt, command } = run;
      if (run.cwd.includes('\\') || paths.workerLog.includes('\\'))
        throw new Error(
          `cannot submit to Slurm from a path with a backslash (${run.cwd}): sbatch reads it as a pattern`,
        );
      const script = join(paths.attempts, `${attempt}.sbatch`);
      await writeFileAtomic(script, batchScript(paths.id, attempt));
      const log = slurmFilename(paths.workerLog);
      const name = await jobNameOf(paths, attempt);
      // A daemon killed while sbatch runs leaves it submitting: the next one must wait for it.
      const submitting = async (pid: number) =>
        writeFileAtomic(submittingFile(paths, attempt), `${pid} ${processStartTime(pid) ?? ''}\n`);
      const job = await submitJob(
        [
          ...config.sbatch,
          '--no-requeue',
          `--job-name=${name}`,
          `--chdir=${run.cwd}`,
          `--output=${log}`,
          `--error=${log}`,
          '--open-mode=append',
          '--export=ALL',
          script,
          paths.attempts,
          String(attempt),
          paths.workerLog,
          command.script,
          ...command.args,
        ],
        run.env,
        submitting,
      ).catch(async (err: unknown) => {
        // sbatch gave up waiting (a busy controller) after Slurm may have taken the job: look.
        const found = err instanceof SlurmUnavailable ? await findJobNamed(name).catch(() => null) : null;
        if (found === null) throw err;
        return found;
      });
      crashPoint('after-submit-before-job-record');
      const submittedAt = new Date().toISOString();
      await writeJobRecord(paths.attempts, attempt, { executor: config.name, kind: 'slurm', job, name, submittedAt });
      await note(paths, attempt, { kind: 'slurm', job, state: 'PENDING', reason: null, node: null });
    },

    async presence(paths: TaskPaths, attempt: number, fresh = false): Promise<Presence> {
      try {
        const record = await jobOf(paths, attempt);
        if (record === null) return { is: 'none' };
        if (record === 'submitting') return { is: 'alive' };
        const view = await queue.view(record.job, fresh ? 0 : everyMs);
        const state = view?.state ?? 'GONE';
        const reason = view?.reason ?? null;
        await note(paths, attempt, { kind: 'slurm', job: record.job, state, reason, node: view?.node ?? null });
        if (view !== null && !jobEnded(view.state)) return { is: 'alive' };
        return { is: 'gone', end: { kind: 'slurm', job: record.job, state, reason } };
      } catch (err) {
        // Slurm not answering (slurmctld restarting) proves nothing: the job may well run on.
        if (err instanceof SlurmUnavailable) return { is: 'alive' };
        throw err;
      }
    },

    async stop(paths: TaskPaths, attempt: number): Promise<void> {
      let record = await jobOf(paths, attempt);
      // A submit still on its way: wait for its job (bounded by the window), so the cancel reaches it.
      while (record === 'submitting') {
        await new Promise((r) => setTimeout(r, 500));
        record = await jobOf(paths, attempt);
      }
      if (record === null) return;
      await cancelJob(record.job);
      // The task no longer follows its job: what status shows is Slurm's word right after the cancel.
      const view = await queue.view(record.job, 0).catch(() => null);
      if (view)
        await note(paths, attempt, {
          kind: 'slurm',
          job: record.job,
          state: view.state,
          reason: view.reason,
          node: view.node,
        });
    },
  };
}
