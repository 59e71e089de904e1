import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { IpcError } from './errors.js';
import { assertTaskId } from './task-id.js';

/** Every path of one task's folder, as the on-disk contract lays it out. */
export interface TaskPaths {
  readonly id: string;
  readonly dir: string;
  readonly taskJson: string;
  readonly plan: string;
  readonly output: string;
  readonly context: string;
  readonly events: string;
  readonly requests: string;
  readonly workerLog: string;
  readonly ipc: string;
  readonly doneMarker: string;
  /** Per-attempt records: claim, pid and exit of each worker attempt (see attempts.ts). */
  readonly attempts: string;
}

/**
 * Paths of task `id` under the workspace's `.dispatch` directory. The id is validated first, so
 * no path built here can leave `<dispatchDir>/tasks/`.
 * @example taskPaths('/repo/.dispatch', 'security-review').plan
 */
export function taskPaths(dispatchDir: string, id: string): TaskPaths {
  assertTaskId(id);
  const dir = join(dispatchDir, 'tasks', id);
  // Joined by hand below: `dir` is normalized and the names are fixed, and a workspace of
  // thousands of tasks builds these for each of them on every `status`.
  const at = (name: string) => `${dir}${sep}${name}`;
  return {
    id,
    dir,
    taskJson: at('task.json'),
    plan: at('plan.md'),
    output: at('output.md'),
    context: at('context.md'),
    events: at('events.jsonl'),
    requests: at('requests'),
    workerLog: at('worker.log'),
    ipc: at('ipc'),
    doneMarker: at(`ipc${sep}.done`),
    attempts: at('attempts'),
  };
}

/** The folder holding every task of a workspace. */
export function tasksDir(dispatchDir: string): string {
  return join(dispatchDir, 'tasks');
}

/** The path with symlinks resolved when it exists (so a linked DISPATCH_HOME is still recognised). */
function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `dir` is a repository's top level as git sees it: a `.git` folder with a HEAD, or a worktree's `.git` file. */
function isGitTop(dir: string): boolean {
  const git = join(dir, '.git');
  const stats = statSync(git, { throwIfNoEntry: false });
  if (!stats) return false;
  // An empty `.git` folder is no repository (codex's sandbox leaves one in /tmp): git ignores it, so do we.
  return stats.isFile() || existsSync(join(git, 'HEAD'));
}

/** The nearest ancestor of `start` that is a git top level (a `.git` folder, or a file in a worktree). */
export function findGitTop(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isGitTop(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The workspace's `.dispatch` directory, by the contract's rule: `$DISPATCH_DIR` if set; else the
 * nearest ancestor of `cwd` holding `.dispatch/`, up to the git top level (or the filesystem root
 * outside git), never the `$DISPATCH_HOME` directory; else `.dispatch` at the git top level; else
 * in `cwd`. The directory need not exist yet. Refuses (`no-workspace`) only when the answer would
 * be `$DISPATCH_HOME` itself, i.e. when run in the home folder outside any repository.
 */
export function findDispatchDir(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = env.DISPATCH_HOME?.trim() || join(homedir(), '.dispatch'),
): string {
  if (env.DISPATCH_DIR) return resolve(cwd, env.DISPATCH_DIR);
  const gitTop = findGitTop(cwd);
  const homeDir = realOrResolved(home);
  for (let dir = resolve(cwd); ; ) {
    const candidate = join(dir, '.dispatch');
    if (isDir(candidate) && realOrResolved(candidate) !== homeDir) return candidate;
    const up = dirname(dir);
    if (dir === gitTop || up === dir) break;
    dir = up;
  }
  const chosen = join(gitTop ?? resolve(cwd), '.dispatch');
  if (realOrResolved(chosen) === homeDir) {
    throw new IpcError(
      'no-workspace',
      `${chosen} is DISPATCH_HOME, not a workspace: run dispatch in a project folder or set DISPATCH_DIR`,
    );
  }
  return chosen;
}
