// Protocol files are tiny: read them with sync I/O, several times cheaper than fs/promises.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { publishExclusive, writeFileAtomic } from './atomic-write.js';
import { IpcError, isErrno } from './errors.js';
import { FILE_LIMITS, isUnsafeFile, readDataFileSync } from './safe-read.js';

const RECORD = { limit: FILE_LIMITS.record };

/** The claim of worker attempt N, created exclusively before its worker is spawned. */
export interface AttemptClaim {
  attempt: number;
  model: string;
  backend: string;
  claimedAt: string;
  /** Where the attempt runs (absent: `local`, as before executors): a re-attaching host asks the same engine. */
  executor?: { name: string; kind: string };
}

/** How an attempt's worker ended, written by the wrapper that outlives the daemon. */
export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  /** Written by a dispatcher, not the wrapper: the worker vanished without a record of its end. */
  lost?: boolean;
  /** With `lost`, for an attempt run by a cluster engine: how the engine says its job ended. */
  engine?: EngineEnd;
}

/** How a cluster engine says an attempt's job ended (Slurm: `CANCELLED`, `NODE_FAIL`, `TIMEOUT`...). */
export interface EngineEnd {
  kind: string;
  job: string;
  state: string;
  reason: string | null;
}

/** The worker's process identity, written by the wrapper first (a pid alone proves nothing). */
export interface PidRecord {
  pid: number;
  /** Process start time as the OS reports it (Linux: /proc/<pid>/stat field 22), to tell a reused pid. */
  startTime: string;
}

const CLAIM = /^(\d+)\.json$/;

/** Paths of attempt `n`'s records. */
export function attemptFiles(attemptsDir: string, n: number) {
  return {
    claim: join(attemptsDir, `${n}.json`),
    /** The wrapper's own `<pid> <start time>`, written by the daemon right after launching it. */
    wrapper: join(attemptsDir, `${n}.wrapper`),
    pid: join(attemptsDir, `${n}.pid`),
    exit: join(attemptsDir, `${n}.exit`),
    /** A cluster engine's job for the attempt (`JobRecord`), written once, as soon as the engine accepted it. */
    job: join(attemptsDir, `${n}.job.json`),
    /** The engine's latest view of that job (`EngineView`), replaced by the daemon when it changes. */
    engine: join(attemptsDir, `${n}.engine.json`),
    /** What the attempt's structured output summed up to, kept once the attempt ended (a cache). */
    summary: join(attemptsDir, `${n}.summary.json`),
  };
}

/**
 * Records that attempt `n`'s worker is gone without an exit record (its wrapper was killed, the
 * machine rebooted, or the daemon died between claiming and launching). Exclusive: if the
 * wrapper's own record lands first, that one stands. Returns whether this record was written.
 */
export async function recordLostWorker(attemptsDir: string, n: number, at: Date, engine?: EngineEnd): Promise<boolean> {
  try {
    const record = { code: null, signal: null, at: at.toISOString(), lost: true, ...(engine && { engine }) };
    await publishExclusive(attemptFiles(attemptsDir, n).exit, `${JSON.stringify(record)}\n`);
    return true;
  } catch (err) {
    if (err instanceof IpcError && err.code === 'already-exists') return false;
    throw err;
  }
}

/** The wrapper record of attempt `n` (same format as the pid record), or null. */
export async function readWrapperRecord(attemptsDir: string, n: number): Promise<PidRecord | null> {
  return readPidFile(attemptFiles(attemptsDir, n).wrapper);
}

/**
 * Records attempt `n`'s wrapper as `<pid> <start time>`, right after launching it: a later host
 * then tells "still starting" from "the wrapper died before writing anything".
 */
export async function writeWrapperRecord(
  attemptsDir: string,
  n: number,
  pid: number,
  startTime: string,
): Promise<void> {
  await writeFileAtomic(attemptFiles(attemptsDir, n).wrapper, `${pid} ${startTime}\n`);
}

/** Attempt `n`'s claim, read at once (a tiny file; the scheduler asks often), or null if unreadable. */
export function readAttemptClaimSync(attemptsDir: string, n: number): AttemptClaim | null {
  try {
    return JSON.parse(readDataFileSync(attemptFiles(attemptsDir, n).claim, RECORD)) as AttemptClaim;
  } catch {
    return null;
  }
}

/** Attempt `n`'s cached summary, or null (none yet, or torn: the caller reads the log again). */
export function readAttemptSummary<T>(attemptsDir: string, n: number): T | null {
  try {
    return JSON.parse(readDataFileSync(attemptFiles(attemptsDir, n).summary, RECORD)) as T;
  } catch {
    return null;
  }
}

/** Keeps attempt `n`'s summary (only once it ended: an ended attempt's output never changes). */
export async function writeAttemptSummary(attemptsDir: string, n: number, summary: unknown): Promise<void> {
  await writeFileAtomic(attemptFiles(attemptsDir, n).summary, `${JSON.stringify(summary)}\n`);
}

/**
 * Claims attempt `claim.attempt` exclusively. Only the caller that succeeds may spawn its
 * worker; any other caller, including a daemon restarted after a crash, gets
 * `IpcError('attempt-claimed')` and must re-attach to that worker instead of spawning another.
 */
export async function claimAttempt(attemptsDir: string, claim: AttemptClaim): Promise<void> {
  const { claim: file } = attemptFiles(attemptsDir, claim.attempt);
  try {
    await publishExclusive(file, `${JSON.stringify(claim)}\n`);
  } catch (err) {
    if (err instanceof IpcError && err.code === 'already-exists') {
      throw new IpcError('attempt-claimed', `attempt ${claim.attempt} was already started (${file})`, {
        file,
        cause: err,
      });
    }
    throw err;
  }
}

/** A small JSON record, or null when absent, planted (a link, a FIFO) or torn (foreign). */
export async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = readDataFileSync(path, RECORD);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isUnsafeFile(err)) return null; // a planted link or FIFO is no record
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return null; // a record is written atomically, so this is a foreign file: treat as absent
  }
}

/** The claim of attempt `n`, or null if it was never claimed. */
export function readAttemptClaim(attemptsDir: string, n: number): Promise<AttemptClaim | null> {
  return readJson<AttemptClaim>(attemptFiles(attemptsDir, n).claim);
}

/** The exit record of attempt `n`, or null while its worker runs (or never started). */
export async function readExitRecord(attemptsDir: string, n: number): Promise<ExitRecord | null> {
  const raw = await readJson<Partial<ExitRecord>>(attemptFiles(attemptsDir, n).exit);
  if (!raw) return null;
  return {
    code: typeof raw.code === 'number' ? raw.code : null,
    signal: typeof raw.signal === 'string' && raw.signal !== '' ? raw.signal : null,
    at: typeof raw.at === 'string' ? raw.at : new Date(0).toISOString(),
    ...(raw.lost === true && { lost: true }),
    ...(raw.lost === true && isEngineEnd(raw.engine) && { engine: raw.engine }),
  };
}

function isEngineEnd(value: unknown): value is EngineEnd {
  const v = value as Partial<EngineEnd> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.kind === 'string' &&
    typeof v.job === 'string' &&
    typeof v.state === 'string' &&
    (v.reason === null || typeof v.reason === 'string')
  );
}

/** The pid record of attempt `n`, or null. Its format is one line: `<pid> <start time>`. */
export async function readPidRecord(attemptsDir: string, n: number): Promise<PidRecord | null> {
  return readPidFile(attemptFiles(attemptsDir, n).pid);
}

async function readPidFile(path: string): Promise<PidRecord | null> {
  try {
    const [pid, startTime = ''] = readDataFileSync(path, RECORD).trim().split(/\s+/);
    const value = Number(pid);
    return Number.isInteger(value) && value > 0 ? { pid: value, startTime } : null;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isUnsafeFile(err)) return null;
    throw err;
  }
}

/** Numbers of every claimed attempt, ascending. */
export async function listAttempts(attemptsDir: string): Promise<number[]> {
  try {
    return (await readdir(attemptsDir))
      .map((name) => CLAIM.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
