import { execa, execaSync } from 'execa';
import { beforeAll, describe } from 'vitest';
import { listAttempts, readAttemptClaim, readJobRecord } from '@dispatch/ipc-fs';
import { slurmJobName } from '@dispatch/runtime';
import type { Workspace } from './workspace.js';

// Scenarios on a real Slurm cluster (scripts/slurm-test-cluster.sh start), as apps/cli/test/slurm-cluster.ts
// runs the end-to-end ones: skipped with a clear message where none answers, unless
// DISPATCH_REQUIRE_SLURM=1 (CI) makes that a failure.

const required = process.env.DISPATCH_REQUIRE_SLURM === '1';

/** Whether a Slurm cluster answers here (`sinfo` lists a partition whose node takes jobs). */
export function slurmClusterAnswers(): boolean {
  try {
    const r = execaSync('sinfo', ['-h', '-o', '%T'], { reject: false, timeout: 10_000 });
    return r.exitCode === 0 && /^(idle|mixed|allocated)/m.test(String(r.stdout));
  } catch {
    return false;
  }
}

let present: boolean | undefined;

/**
 * `describe` for scenarios on a real Slurm cluster. Without one they are skipped with a clear
 * message — unless `DISPATCH_REQUIRE_SLURM=1`, where they run and fail.
 * @example describeSlurm('16 slurm under kills', () => { it('…', async () => { … }); });
 */
export function describeSlurm(name: string, body: () => void): void {
  present ??= slurmClusterAnswers();
  if (!present && !required) {
    console.warn(
      `[slurm] skipping "${name}": no Slurm cluster answers here (sudo scripts/slurm-test-cluster.sh start; DISPATCH_REQUIRE_SLURM=1 makes this a failure)`,
    );
    describe.skip(name, body);
  } else if (!present) {
    // Required but absent: fail at once, saying why, rather than after every wait ran out.
    describe(name, () => {
      beforeAll(() => {
        throw new Error('DISPATCH_REQUIRE_SLURM=1 but no Slurm cluster answers here (sinfo)');
      });
      body();
    });
  } else {
    describe(name, body);
  }
}

/** Every job of this user (in any state Slurm still keeps: `MinJobAge`) named `name`. */
export async function jobsNamed(name: string): Promise<string[]> {
  const r = await execa('squeue', ['-h', '-t', 'all', '--me', '--name', name, '-o', '%i'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`squeue --name ${name} exited ${r.exitCode}: ${String(r.stderr)}`);
  return String(r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** One Slurm attempt of a task: its unique job name, its job record's id, the jobs Slurm holds under that name. */
export interface SlurmAttempt {
  id: string;
  attempt: number;
  name: string;
  /** The job record's id (`attempts/<n>.job.json`), or null when there is none. */
  recorded: string | null;
  jobs: string[];
}

/**
 * Every attempt of the workspace claimed on a Slurm executor, with the jobs Slurm holds under its
 * name now. Ask soon after the jobs end: Slurm forgets them `MinJobAge` seconds later (300 s on the
 * test cluster).
 */
export async function slurmAttempts(ws: Workspace, ids?: readonly string[]): Promise<SlurmAttempt[]> {
  const found: SlurmAttempt[] = [];
  for (const id of ids ?? (await ws.taskIds())) {
    const paths = ws.paths(id);
    for (const attempt of await listAttempts(paths.attempts)) {
      if ((await readAttemptClaim(paths.attempts, attempt))?.executor?.kind !== 'slurm') continue;
      const name = await slurmJobName(paths, attempt);
      const recorded = (await readJobRecord(paths.attempts, attempt))?.job ?? null;
      found.push({ id, attempt, name, recorded, jobs: await jobsNamed(name) });
    }
  }
  return found;
}
