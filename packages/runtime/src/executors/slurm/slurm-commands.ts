import { execa } from 'execa';
import { jobEnded } from './job-states.js';

/** A Slurm command that did not answer (slurmctld down or restarting, the command missing). */
export class SlurmUnavailable extends Error {}

/** How long a Slurm command may take: slurmctld answers in milliseconds, or is busy or down. */
const TIMEOUT_MS = 20_000;

/** A job as squeue shows it. */
export interface JobState {
  job: string;
  state: string;
  reason: string | null;
  node: string | null;
}

async function slurm(
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
  onSpawn?: (pid: number) => Promise<void>,
) {
  const child = execa(command, args, {
    reject: false,
    timeout: TIMEOUT_MS,
    stdin: 'ignore',
    ...(env && { env, extendEnv: false }),
  });
  if (onSpawn && child.pid !== undefined) await onSpawn(child.pid).catch(() => undefined);
  const result = await child;
  if (result.failed && (result.code === 'ENOENT' || result.timedOut))
    throw new SlurmUnavailable(
      `${command} ${result.timedOut ? `did not answer in ${TIMEOUT_MS / 1000} s` : 'is not installed (not on PATH)'}`,
    );
  return result;
}

/**
 * Submits a batch job; resolves to its id. sbatch prints `<id>` or `<id>;<cluster>` with
 * `--parsable`; anything else is an error with sbatch's own words.
 */
export async function submitJob(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (pid: number) => Promise<void>,
): Promise<string> {
  const result = await slurm('sbatch', ['--parsable', ...args], env, onSpawn);
  const id = /^(\d+)(?:;\S+)?\s*$/.exec(String(result.stdout))?.[1];
  if (result.exitCode !== 0 || id === undefined) {
    const why =
      String(result.stderr || result.stdout)
        .trim()
        .split('\n')
        .pop() ?? '';
    throw new Error(`sbatch refused the job: ${why || `exit ${result.exitCode}`}`);
  }
  return id;
}

const FIELDS = '%i|%T|%r|%N';

function parseJobs(stdout: string): Map<string, JobState> {
  const jobs = new Map<string, JobState>();
  for (const line of stdout.split('\n')) {
    const [job, state, reason, node] = line.trim().split('|');
    if (!job || !state) continue;
    // A finished job's %r is its last reason; its %N the node it ran on.
    jobs.set(job, {
      job,
      state: state.replace(/\+$/, ''),
      reason: reason && reason !== 'None' && reason !== '(null)' ? reason : null,
      node: node && node !== '(null)' ? node : null,
    });
  }
  return jobs;
}

/**
 * Slurm's view of these jobs: each one found, and null for one Slurm no longer knows (finished
 * longer ago than MinJobAge, or never submitted). Throws SlurmUnavailable when slurmctld does
 * not answer: nothing may be concluded then.
 */
export async function queryJobs(jobs: readonly string[]): Promise<Map<string, JobState | null>> {
  const found = new Map<string, JobState | null>();
  if (jobs.length === 0) return found;
  const result = await slurm('squeue', ['-h', '-t', 'all', '-j', jobs.join(','), '-o', FIELDS]);
  const stderr = String(result.stderr);
  // squeue fails with "Invalid job id specified" when it knows none of them.
  if (result.exitCode !== 0 && !/invalid job id/i.test(stderr))
    throw new SlurmUnavailable(`squeue failed: ${stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`}`);
  const listed = result.exitCode === 0 ? parseJobs(String(result.stdout)) : new Map<string, JobState>();
  const gone = jobs.filter((job) => !listed.has(job));
  const accounted = gone.length > 0 ? await accountedJobs(gone) : new Map<string, JobState>();
  for (const job of jobs) found.set(job, listed.get(job) ?? accounted.get(job) ?? null);
  return found;
}

/**
 * How jobs squeue has forgotten (ended longer ago than MinJobAge) ended, from Slurm's accounting
 * where the cluster keeps it (`sacct`); none where it does not ("accounting storage is disabled").
 */
async function accountedJobs(jobs: readonly string[]): Promise<Map<string, JobState>> {
  const result = await slurm('sacct', ['-n', '-X', '-P', '-j', jobs.join(','), '-o', 'JobID,State,NodeList']).catch(
    () => null,
  );
  const found = new Map<string, JobState>();
  if (result === null || result.exitCode !== 0) return found;
  for (const line of String(result.stdout).split('\n')) {
    const [job, state, node] = line.trim().split('|');
    // sacct says `CANCELLED by 0`: the state is the first word.
    const word = state?.split(/\s+/)[0]?.replace(/\+$/, '');
    if (job && word && jobs.includes(job))
      found.set(job, { job, state: word, reason: null, node: node && node !== 'None assigned' ? node : null });
  }
  return found;
}

/** The id of the caller's job named `name` (unique per attempt), or null when Slurm has none. */
export async function findJobNamed(name: string): Promise<string | null> {
  const result = await slurm('squeue', ['-h', '-t', 'all', '--me', '--name', name, '-o', '%i']);
  if (result.exitCode !== 0)
    throw new SlurmUnavailable(`squeue failed: ${String(result.stderr).trim() || `exit ${result.exitCode}`}`);
  const ids = String(result.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l));
  return ids[0] ?? null;
}

/** Cancels a job (Slurm signals every process of it, SIGTERM then SIGKILL after its KillWait). */
export async function cancelJob(job: string): Promise<void> {
  const result = await slurm('scancel', [job]);
  if (result.exitCode !== 0 && !/already completing or completed|invalid job id/i.test(String(result.stderr)))
    throw new Error(`scancel ${job} failed: ${String(result.stderr).trim()}`);
}

export { jobEnded };
