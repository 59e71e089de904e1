import { execa, execaSync } from 'execa';
import { describe } from 'vitest';

const required = process.env.DISPATCH_REQUIRE_SLURM === '1';

/** Whether a Slurm cluster answers here (`sinfo` lists a partition whose node takes jobs). */
function clusterAnswers(): boolean {
  try {
    const r = execaSync('sinfo', ['-h', '-o', '%T'], { reject: false, timeout: 10_000 });
    return r.exitCode === 0 && /^(idle|mixed|allocated)/m.test(String(r.stdout));
  } catch {
    return false;
  }
}

const present = clusterAnswers();

/**
 * `describe` for tests on a real Slurm cluster (scripts/slurm-test-cluster.sh start). Without one
 * they are skipped with a clear message — unless `DISPATCH_REQUIRE_SLURM=1` (CI), where they run
 * and fail.
 */
export function describeSlurm(name: string, body: () => void): void {
  if (!present && !required) {
    console.warn(
      `[slurm] skipping "${name}": no Slurm cluster answers here (sudo scripts/slurm-test-cluster.sh start; DISPATCH_REQUIRE_SLURM=1 makes this a failure)`,
    );
    describe.skip(name, body);
  } else {
    describe(name, body);
  }
}

/** Slurm's view of one job: state, reason and node (squeue, finished jobs included while Slurm keeps them). */
export async function slurmJob(job: string): Promise<{ state: string; reason: string; node: string } | null> {
  const r = await execa('squeue', ['-h', '-t', 'all', '-j', job, '-o', '%T|%r|%N'], { reject: false });
  const [state, reason = '', node = ''] = String(r.stdout).trim().split('|');
  return r.exitCode === 0 && state ? { state, reason, node } : null;
}

/** Every job (in any state Slurm still keeps) named `name`: how many jobs an attempt made. */
export async function jobsNamed(name: string): Promise<string[]> {
  const r = await execa('squeue', ['-h', '-t', 'all', '--me', '--name', name, '-o', '%i'], { reject: false });
  return String(r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Runs a Slurm admin command (scancel, scontrol), failing the test with its words when it fails. */
export async function slurmAdmin(command: string, args: string[]): Promise<void> {
  const r = await execa(command, args, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
}

/** Restarts slurmctld (the controller) while jobs run: stops it, waits until it is gone, starts it again. */
export async function restartController(): Promise<void> {
  await execa('pkill', ['-x', 'slurmctld'], { reject: false });
  for (let i = 0; i < 100; i++) {
    if ((await execa('pgrep', ['-x', 'slurmctld'], { reject: false })).exitCode !== 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await execa('/usr/sbin/slurmctld', [], { reject: true });
  for (let i = 0; i < 200; i++) {
    if (clusterAnswers()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('slurmctld did not come back');
}

/** Processes whose environment names this task folder (`DISPATCH_TASK_DIR=...`): a worker, its wrapper, their children. */
export async function processesOfTask(taskDir: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const marker = `DISPATCH_TASK_DIR=${taskDir}\0`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (`${environ}\0`.includes(marker)) found.push(Number(entry));
  }
  return found;
}
