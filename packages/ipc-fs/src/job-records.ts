// The records of attempts run by a cluster engine (Slurm), beside the wrapper's own in attempts/.
import { attemptFiles, readJson } from './attempts.js';
import { publishExclusive, writeFileAtomic } from './atomic-write.js';
import { IpcError } from './errors.js';

/** Attempt N's job: which engine accepted it, under which id and name. Written once. */
export interface JobRecord {
  /** The executor's name in the config (`hpc`) and its kind (`slurm`). */
  executor: string;
  kind: string;
  /** The engine's job id (Slurm: `1234`). */
  job: string;
  /** The unique job name dispatch submitted it under: how a crashed submit's job is found again. */
  name: string;
  submittedAt: string;
}

/** The engine's view of attempt N's job as the daemon last saw it (shown by status, logs, the inspector). */
export interface EngineView {
  kind: string;
  job: string;
  /** The engine's state word (Slurm: `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`...). */
  state: string;
  /** Why it is in that state, when the engine says (Slurm: `Resources`, `Priority`, `JobHeldUser`). */
  reason: string | null;
  /** Where it runs, once it does. */
  node: string | null;
  /** When the daemon saw it so. */
  at: string;
}

/**
 * Records attempt `n`'s job as soon as the engine accepted it. Exclusive: a second record for
 * the same attempt would mean a second job, which the claim exists to prevent (`attempt-claimed`).
 */
export async function writeJobRecord(attemptsDir: string, n: number, record: JobRecord): Promise<void> {
  try {
    await publishExclusive(attemptFiles(attemptsDir, n).job, `${JSON.stringify(record)}\n`);
  } catch (err) {
    if (err instanceof IpcError && err.code === 'already-exists')
      throw new IpcError('attempt-claimed', `attempt ${n} already has a job (${attemptFiles(attemptsDir, n).job})`, {
        file: attemptFiles(attemptsDir, n).job,
        cause: err,
      });
    throw err;
  }
}

/** Attempt `n`'s job record, or null (a local attempt, or a job not submitted yet). */
export async function readJobRecord(attemptsDir: string, n: number): Promise<JobRecord | null> {
  const raw = await readJson<Partial<JobRecord>>(attemptFiles(attemptsDir, n).job);
  if (!raw) return null;
  const { executor, kind, job, name, submittedAt } = raw;
  if ([executor, kind, job, name, submittedAt].some((v) => typeof v !== 'string')) return null;
  return raw as JobRecord;
}

/** Replaces the engine's view of attempt `n`'s job (atomically). */
export async function writeEngineView(attemptsDir: string, n: number, view: EngineView): Promise<void> {
  await writeFileAtomic(attemptFiles(attemptsDir, n).engine, `${JSON.stringify(view)}\n`);
}

/** The engine's last view of attempt `n`'s job, or null. */
export async function readEngineView(attemptsDir: string, n: number): Promise<EngineView | null> {
  const raw = await readJson<Partial<EngineView>>(attemptFiles(attemptsDir, n).engine);
  if (!raw || [raw.kind, raw.job, raw.state, raw.at].some((v) => typeof v !== 'string')) return null;
  return {
    kind: raw.kind as string,
    job: raw.job as string,
    state: raw.state as string,
    reason: typeof raw.reason === 'string' ? raw.reason : null,
    node: typeof raw.node === 'string' ? raw.node : null,
    at: raw.at as string,
  };
}
