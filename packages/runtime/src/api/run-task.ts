import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  ConfigError,
  configPath,
  DEFAULT_TIME_LIMIT,
  describeResolution,
  type DispatchConfig,
  findWorktreeDirective,
  type Resolution,
  resolveModel,
  wantsSimModel,
} from '@dispatch/config';
import {
  ASYNC_FS,
  activeCooldowns,
  assertTaskId,
  checkTaskFolderFree,
  createTaskFolder,
  findGitTop,
  formatUntil,
  listTaskIds,
  parsePlan,
  registerTask,
  renderPlan,
  SYNC_FS,
  taskPaths,
} from '@dispatch/ipc-fs';
import type { Caller } from '../caller.js';
import { alternativesIn } from '../config/alternatives.js';
import { cannotRun } from '../config/model-cli.js';
import { storedEnv } from '../config/stored-env.js';
import { loadUserConfig } from '../config/user-config.js';
import { usageError } from '../errors.js';
import { deriveTaskId, taskTitle } from '../tasks/task-naming.js';
import { ensureDaemonFor, workspaceOf } from '../workspace.js';
import { checkExecutorOption, executorConfigFor, runsHereFor } from '../config/task-executor.js';
import { nodeLocalRefusal } from '../executors/slurm/cluster-check.js';
import { excludeFromGit } from '../worktree/git-exclude.js';
import { gitStatus } from '../worktree/git.js';
import { createTaskWorktree } from '../worktree/task-worktree.js';

/** What to run: `dispatch run`'s arguments and flags, by name. */
export interface RunInput {
  /** What to do; required unless `steps` or `plan` is given. */
  prompt?: string;
  /** The plan's items, in order (`--step`). */
  steps?: readonly string[];
  /** The plan as markdown checklist text (`--plan`). */
  plan?: string;
  /** Where `plan` came from, for error messages (`plan.md`, `the plan on stdin`). */
  planSource?: string;
  model?: string;
  id?: string;
  /** Seconds a question waits for an answer. */
  answerTimeout?: number;
  /** Seconds one worker attempt may run. */
  timeLimit?: number;
  budgetUsd?: number;
  /**
   * What reaching a limit does: `pause` (default) waits out a quota until it resets and blocks on
   * a budget or time limit, asking for a higher one; `fail` fails the task, for scripts that want that.
   */
  onLimit?: 'pause' | 'fail';
  /** Ids of tasks of this workspace that must complete first. */
  after?: readonly string[];
  /** Run in a git worktree on a new branch `dispatch/<id>` (also: "in a worktree" in the prompt). */
  worktree?: boolean;
  /** The worktree's base (default HEAD). */
  base?: string;
  /** Where its workers run: a name in the config's `executors`, or `local` (default: the backend's `executor:`). */
  executor?: string;
  /** Told what `run` says besides its result (`using sonnet (default)`, the worktree made). */
  onNotice?: (line: string) => void;
}

/** What `run --json` prints. */
export interface RunResult {
  id: string;
  model: string;
  backend: string;
  state: 'queued';
  taskDir: string;
}

/** A created task: what `run --json` prints, plus what the CLI's human line shows. */
export interface CreatedTask {
  result: RunResult;
  items: number;
  planPath: string;
}

const EXPAND_STEP =
  'Expand this task into concrete, verifiable steps: add them as "- [ ]" items below this one, then mark this item done';

/** The plan `run` writes: the title, the prompt quoted under it, then the checklist. */
function composePlan(title: string, prompt: string, steps: readonly string[]): string {
  const [heading, ...rest] = renderPlan(title, steps).split('\n');
  const quoted =
    prompt.trim() === ''
      ? []
      : [
          ...prompt
            .trim()
            .split('\n')
            .map((l) => `> ${l}`.trimEnd()),
          '',
        ];
  return [heading, '', ...quoted, ...rest.filter((l, i) => !(i === 0 && l === ''))].join('\n');
}

function planOf(input: RunInput, title: string, prompt: string): string {
  const steps = input.steps ?? [];
  if (input.plan !== undefined && steps.length > 0) throw usageError('use --step or --plan, not both');
  if (input.plan === undefined) return composePlan(title, prompt, steps.length > 0 ? steps : [EXPAND_STEP]);
  if (parsePlan(input.plan).items.length === 0) {
    throw usageError(`${input.planSource ?? 'the plan'}: no checklist items ("- [ ] step")`, 'invalid-input');
  }
  return input.plan;
}

/**
 * The tasks this one runs after: each must be a task of this workspace and not the task itself.
 * No other cycle can form: a new task's id is new, and `clean` keeps a task while another waits
 * for it, so an id that is waited for never comes back.
 */
async function dependenciesOf(raw: readonly string[], dispatchDir: string, id: string): Promise<string[]> {
  if (raw.length === 0) return [];
  const known = new Set(await listTaskIds(dispatchDir));
  const after = [...new Set(raw)];
  for (const dep of after) {
    assertTaskId(dep);
    if (dep === id) throw usageError(`--after ${dep}: a task cannot run after itself`, 'invalid-input');
    if (!known.has(dep)) throw usageError(`--after ${dep}: no task ${dep} in ${dispatchDir}`, 'invalid-input');
  }
  return after;
}

/** Refuses a worktree task whose branch exists already, or whose base is no commit, before anything is written. */
async function checkWorktreeFree(repo: string, id: string, base: string): Promise<void> {
  if ((await gitStatus(repo, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])).code !== 0) {
    throw usageError(`--base ${base}: not a commit in ${repo}`, 'invalid-input');
  }
  if ((await gitStatus(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/dispatch/${id}`])).code === 0) {
    throw usageError(
      `branch dispatch/${id} exists already: dispatch discard ${id}, or choose another --id`,
      'invalid-input',
    );
  }
}

/**
 * The model to use when the one chosen is resting after a quota failure: with no `model` given,
 * the config's first `fallback` model that can run and is not resting (said instead of the usual
 * line); an explicit model is kept, with a warning. Once the cooldown ends, new tasks go back to
 * the preferred model by themselves.
 */
async function restedModel(
  caller: Caller,
  home: string,
  config: DispatchConfig | null,
  resolution: Resolution,
  modelFlag: string | undefined,
) {
  const cooldowns = config === null ? new Map() : await activeCooldowns(home, Date.now());
  const resting = cooldowns.get(resolution.model);
  if (config === null || resting === undefined) return { resolution, said: describeResolution(resolution) };
  const why = `${resolution.model} is resting after a quota failure until ${formatUntil(resting.until, Date.now())}`;
  if (modelFlag !== undefined)
    return {
      resolution,
      said: `${describeResolution(resolution)}\nwarning: ${why}: the task waits for it, unless a fallback takes over`,
    };
  const usable = new Set(alternativesIn(config, caller.env, [resolution.model]).map((a) => a.model));
  const instead = config.fallback.find((m) => usable.has(m) && !cooldowns.has(m));
  if (instead === undefined)
    return { resolution, said: `using ${resolution.model} (${why}; no fallback model is free)` };
  return { resolution: resolveModel({ config, modelFlag: instead }), said: `using ${instead} (${why})` };
}

/** A positive whole number of seconds, or undefined when not given. */
function seconds(value: number | undefined, flag: string): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0))
    throw usageError(`${flag}: a positive number of seconds`, 'invalid-input');
  return value;
}

/** The user's config; none is fine for the built-in `sim` model only (by --model or "use sim"). */
async function configFor(
  caller: Caller,
  modelFlag: string | undefined,
  prompt: string,
): Promise<DispatchConfig | null> {
  return loadUserConfig(caller.env).then(
    (l) => l.config,
    (err: unknown) => {
      if (!(err instanceof ConfigError && err.code === 'missing-config')) throw err;
      if (wantsSimModel({ modelFlag, prompt })) return null;
      throw new ConfigError(
        'missing-config',
        `no config at ${configPath(caller.env)}: run \`dispatch init\` (the built-in sim model needs none: dispatch demo, or --model sim)`,
      );
    },
  );
}

/**
 * `dispatch run`: creates the task (its folder, plan and, with `worktree`, its git worktree),
 * registers it with the daemon, makes sure the daemon runs, and returns at once. Input is checked
 * before anything is written: a refused run leaves nothing behind.
 */
export async function createTask(caller: Caller, input: RunInput): Promise<CreatedTask> {
  const prompt = (input.prompt ?? '').trim();
  if (prompt === '' && input.steps === undefined && input.plan === undefined) {
    throw usageError('say what to do: dispatch run "<prompt>", or give --step or --plan');
  }
  const inWorktree = input.worktree === true || findWorktreeDirective(prompt);
  if (input.base !== undefined && !inWorktree)
    throw usageError('--base applies to a worktree: add --worktree', 'invalid-input');
  const repo = inWorktree ? (findGitTop(caller.cwd) ?? null) : null;
  if (inWorktree && repo === null)
    throw usageError(`--worktree: ${caller.cwd} is not in a git repository`, 'invalid-input');
  const config = await configFor(caller, input.model, prompt);
  const { home, dispatchDir } = workspaceOf(caller);
  const { resolution, said } = await restedModel(
    caller,
    home,
    config,
    resolveModel({ config, modelFlag: input.model, prompt }),
    input.model,
  );
  const id =
    input.id !== undefined
      ? assertTaskId(input.id)
      : deriveTaskId(prompt || (input.steps?.[0] ?? 'task'), await listTaskIds(dispatchDir), [
          resolution.model,
          resolution.alias ?? '',
        ]);
  const after = await dependenciesOf(input.after ?? [], dispatchDir, id);
  const title = taskTitle(prompt || id);
  const answerTimeout = seconds(input.answerTimeout, '--answer-timeout') ?? config?.answerTimeout;
  const timeLimit = seconds(input.timeLimit, '--time-limit') ?? config?.timeLimit ?? DEFAULT_TIME_LIMIT;
  if (input.budgetUsd !== undefined && !(Number.isFinite(input.budgetUsd) && input.budgetUsd > 0))
    throw usageError('--budget-usd: a spend limit in US dollars, more than 0', 'invalid-input');
  // Written into task.json, so that the limit a worker stopped at can be named (and raised).
  const budgetUsd = input.budgetUsd ?? config?.budgetUsd;
  const onLimit = input.onLimit ?? 'pause';
  if (onLimit !== 'pause' && onLimit !== 'fail')
    throw usageError(`--on-limit: expected pause or fail, got ${JSON.stringify(onLimit)}`, 'invalid-input');
  const plan = planOf(input, title, prompt);
  const executor = checkExecutorOption(config, input.executor);
  // A CLI certainly not installed here (and no fallback to take over) fails the task seconds later:
  // refuse now — unless its workers run elsewhere (a cluster's nodes), where this PATH says nothing.
  const missing = cannotRun(config, resolution, caller.env, caller.cwd, runsHereFor(config, executor));
  if (missing !== null) {
    // What can run instead, as a failed task's line names it (other CLIs first).
    const [other, ...more] = alternativesIn(config!, caller.env, [resolution.model], 'cli-missing', caller.cwd);
    const instead =
      other === undefined
        ? ''
        : `; another model can: --model ${other.model}${more.length > 0 ? ` (or: ${more.map((a) => a.model).join(', ')})` : ''}`;
    throw usageError(`${missing}${instead}`, 'cli-missing');
  }
  // A cluster's nodes must see the workspace and the home: /tmp on a many-node cluster they cannot.
  const runsOn = executorConfigFor(config, executor, resolution.backend ?? null);
  if (runsOn.kind === 'slurm') {
    const refused = await nodeLocalRefusal(runsOn, [caller.cwd, dispatchDir, home], caller.env);
    if (refused !== null) throw usageError(refused, 'invalid-input');
  }
  if (repo !== null) await checkWorktreeFree(repo, id, input.base ?? 'HEAD');
  // A `.dispatch` or task folder that is not really the user's is refused before a word is said.
  const fs = caller.blockingWrites === true ? SYNC_FS : ASYNC_FS;
  await checkTaskFolderFree(dispatchDir, taskPaths(dispatchDir, id), fs);
  // Said once the input is known to be good: a refused run says one line, its error.
  input.onNotice?.(said);
  const backend = resolution.backend?.name ?? (resolution.via === 'builtin' ? 'sim' : 'command');
  const task = {
    id,
    title,
    prompt,
    model: resolution.model,
    backend,
    options: {
      ...(answerTimeout !== undefined && { answerTimeout }),
      timeLimit,
      ...(budgetUsd !== undefined && { budgetUsd }),
      onLimit,
      ...(config && { quotaCooldown: config.quotaCooldown }),
      ...(after.length > 0 && { after }),
      ...(inWorktree && { worktree: true, base: input.base ?? 'HEAD' }),
      ...(executor !== undefined && { executor }),
    },
    createdAt: new Date().toISOString(),
  };
  const paths = await createTaskFolder(dispatchDir, task, plan, fs);
  await excludeFromGit(dispatchDir, fs).catch(() => undefined);
  let cwd = caller.cwd;
  if (repo !== null) {
    // The worker works in its own worktree; a failure here leaves no half-made task behind.
    const worktree = await createTaskWorktree(repo, dispatchDir, paths, input.base).catch(async (err: unknown) => {
      await rm(paths.dir, { recursive: true, force: true });
      throw err;
    });
    cwd = join(worktree.path, relative(repo, caller.cwd));
    input.onNotice?.(`worktree ${worktree.path} on branch ${worktree.branch}`);
  }
  await registerTask(
    home,
    { id, dispatchDir, cwd, env: storedEnv(caller.env, config), registeredAt: task.createdAt },
    fs,
  );
  await ensureDaemonFor(caller);
  return {
    result: { id, model: task.model, backend, state: 'queued', taskDir: paths.dir },
    items: parsePlan(plan).items.length,
    planPath: paths.plan,
  };
}
