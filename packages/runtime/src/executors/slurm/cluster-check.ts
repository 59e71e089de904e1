import { type ExecutorConfig, findExecutable } from '@dispatch/config';
import { resolve, sep } from 'node:path';

/** Folders that live on each machine, never on a filesystem a cluster's nodes share. */
const NODE_LOCAL = ['/tmp', '/var/tmp', '/dev/shm', '/run'];

/** What `doctor` learns of a Slurm executor. */
export interface SlurmCheck {
  executor: string;
  /** Where `sbatch` is (on the PATH of the command that asks), or null. */
  sbatch: string | null;
  /** The cluster's nodes and their states as `sinfo` lists them, or null when it did not answer. */
  nodes: { name: string; state: string }[] | null;
  /** Why sinfo did not answer. */
  error: string | null;
  /** A workspace path the nodes cannot see (node-local, on a cluster of more than one node), or null. */
  nodeLocal: string | null;
}

/** The nodes `sinfo` lists (each once), or an error line. */
export async function clusterNodes(env: NodeJS.ProcessEnv): Promise<{ name: string; state: string }[] | string> {
  // Loaded here: `run` imports this module for its path check, which needs no process.
  const { execa } = await import('execa');
  const r = await execa('sinfo', ['-h', '-N', '-o', '%N|%T'], { reject: false, timeout: 10_000, env, stdin: 'ignore' });
  if (r.exitCode !== 0)
    return r.failed && r.code === 'ENOENT'
      ? 'sinfo is not installed (not on PATH)'
      : String(r.stderr || r.stdout)
          .trim()
          .split('\n')
          .pop() || `sinfo failed (exit ${r.exitCode})`;
  const nodes = new Map<string, string>();
  for (const line of String(r.stdout).split('\n')) {
    const [name, state] = line.trim().split('|');
    if (name && state) nodes.set(name, state);
  }
  return [...nodes].map(([name, state]) => ({ name, state }));
}

/** The first of `paths` under a node-local folder (/tmp, /var/tmp, /dev/shm, /run), or null. */
export function nodeLocalPath(paths: readonly string[]): string | null {
  for (const path of paths) {
    const full = resolve(path);
    if (NODE_LOCAL.some((dir) => full === dir || full.startsWith(dir + sep))) return full;
  }
  return null;
}

/**
 * Why a task cannot run on this Slurm executor from these folders, or null: a workspace or
 * DISPATCH_HOME under a node-local folder while the cluster has more than one node (a single
 * node shares its own /tmp; a cluster that does not answer is not refused on a guess).
 */
export async function nodeLocalRefusal(
  executor: ExecutorConfig,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const local = nodeLocalPath(paths);
  if (local === null) return null;
  const nodes = await clusterNodes(env);
  if (typeof nodes === 'string' || nodes.length <= 1) return null;
  return `--executor ${executor.name}: ${local} is on this machine only, and the cluster has ${nodes.length} nodes: put the workspace and DISPATCH_HOME on a filesystem the nodes share`;
}

/** `doctor`'s look at a Slurm executor: is sbatch there, does sinfo answer, can the nodes see the workspace. */
export async function checkSlurm(
  executor: ExecutorConfig,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<SlurmCheck> {
  const sbatch = findExecutable('sbatch', env.PATH);
  const nodes = await clusterNodes(env);
  const listed = typeof nodes === 'string' ? null : nodes;
  const local = listed !== null && listed.length > 1 ? nodeLocalPath(paths) : null;
  return {
    executor: executor.name,
    sbatch,
    nodes: listed,
    error: typeof nodes === 'string' ? nodes : null,
    nodeLocal: local,
  };
}
