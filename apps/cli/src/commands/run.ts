import { readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '@dispatch/config/errors';
import { describeResolution, resolveModel, SIM_MODEL, type Resolution } from '@dispatch/config/resolve/resolve-model';
import type { DispatchConfig } from '@dispatch/config/types';
import { DEFAULT_TIME_LIMIT } from '@dispatch/config/defaults';
import { findGitTop, taskPaths } from '@dispatch/ipc-fs/paths';
import { parsePlan } from '@dispatch/ipc-fs/plan/parse';
import { renderPlan } from '@dispatch/ipc-fs/plan/serialize';
import { createTaskFolder, listTaskIds } from '@dispatch/ipc-fs/task-folder';
import { assertTaskId } from '@dispatch/ipc-fs/task-id';
import { usageError } from '../cli-error.js';
import type { CommandContext } from '../command-spec.js';
import { registerTask } from '../daemon/registry.js';
import { printJson } from '../json-output.js';
import { deriveTaskId, taskTitle } from '../task-naming.js';
import { ensureDaemonFor, workspaceOf } from '../workspace.js';
import { needConfig } from './warmup.js';
import { loadUserConfig } from '../user-config.js';
import { readStdin } from '../task-access/read-stdin.js';
import { gitStatus } from '../worktree/git.js';
import { excludeFromGit } from '../worktree/git-exclude.js';
import { createTaskWorktree } from '../worktree/task-worktree.js';
import { findWorktreeDirective } from '@dispatch/config/resolve/directive';
import { activeCooldowns, formatUntil } from '../cooldowns.js';
import { alternativesIn } from '../view/alternatives.js';

const EXPAND_STEP = 'Expand this task into concrete, verifiable steps: add them as "- [ ]" items below this one, then mark this item done';

/** The plan `run` writes: the title, the prompt quoted under it, then the checklist. */
function composePlan(title: string, prompt: string, steps: readonly string[]): string {
  const [heading, ...rest] = renderPlan(title, steps).split('\n');
  const quoted = prompt.trim() === '' ? [] : [...prompt.trim().split('\n').map((l) => `> ${l}`.trimEnd()), ''];
  return [heading, '', ...quoted, ...rest.filter((l, i) => !(i === 0 && l === ''))].join('\n');
}

async function planFrom(ctx: CommandContext, title: string, prompt: string): Promise<string> {
  const steps = (ctx.options.step as string[] | undefined) ?? [];
  const file = ctx.options.plan as string | undefined;
  if (file !== undefined && steps.length > 0) throw usageError('use --step or --plan, not both');
  if (file === undefined) return composePlan(title, prompt, steps.length > 0 ? steps : [EXPAND_STEP]);
  // stdin as a stream: opening /dev/stdin fails (ENXIO) when it is a socket, as hosts often pass it.
  const text = await (file === '-' ? readStdin() : readFile(resolve(ctx.io.cwd, file), 'utf8')).catch((err: NodeJS.ErrnoException) => {
    throw usageError(`--plan ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, 'invalid-input');
  });
  if (parsePlan(text).items.length === 0) throw usageError(`${file === '-' ? 'the plan on stdin' : file}: no checklist items ("- [ ] step")`, 'invalid-input');
  return text;
}

/**
 * The tasks this one runs after (`--after ID`, repeatable): each must be a task of this workspace
 * and not the task itself. No other cycle can form: a new task's id is new, and `clean` keeps a
 * task while another waits for it, so an id that is waited for never comes back.
 */
async function dependenciesOf(ctx: CommandContext, dispatchDir: string, id: string): Promise<string[]> {
  const raw = ctx.options.after === undefined ? [] : ([] as unknown[]).concat(ctx.options.after).map(String);
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
    throw usageError(`branch dispatch/${id} exists already: dispatch discard ${id}, or choose another --id`, 'invalid-input');
  }
}


/**
 * The model to use when the one chosen is resting after a quota failure: with no `--model`, the
 * config's first `fallback` model that can run and is not resting (said on stderr instead of the
 * usual line); an explicit `--model` is kept, with a warning. Once the cooldown ends, new tasks
 * go back to the preferred model by themselves.
 */
async function restedModel(io: CommandContext["io"], home: string, config: DispatchConfig | null, resolution: Resolution, modelFlag: string | undefined) {
  const cooldowns = config === null ? new Map() : await activeCooldowns(home, Date.now());
  const resting = cooldowns.get(resolution.model);
  if (config === null || resting === undefined) return { resolution, resting: undefined };
  const why = `${resolution.model} is resting after a quota failure until ${formatUntil(resting.until, Date.now())}`;
  if (modelFlag !== undefined) return { resolution, resting: `${describeResolution(resolution)}\nwarning: ${why}: it may fail again` };
  const usable = new Set(alternativesIn(config, io.env, [resolution.model]).map((a) => a.model));
  const instead = config.fallback.find((m) => usable.has(m) && !cooldowns.has(m));
  if (instead === undefined) return { resolution, resting: `using ${resolution.model} (${why}; no fallback model is free)` };
  return { resolution: resolveModel({ config, modelFlag: instead }), resting: `using ${instead} (${why})` };
}

/** `dispatch run [prompt...]`: create the task, register it, make sure the daemon runs, return at once. */
export async function run(ctx: CommandContext): Promise<number | void> {
  const { io } = ctx;
  const prompt = ((ctx.args.prompt as string[] | undefined) ?? []).join(' ').trim();
  if (prompt === '' && ctx.options.step === undefined && ctx.options.plan === undefined) {
    throw usageError('say what to do: dispatch run "<prompt>", or give --step or --plan');
  }
  const inWorktree = ctx.options.worktree === true || findWorktreeDirective(prompt);
  const base = ctx.options.base === undefined ? undefined : String(ctx.options.base);
  if (base !== undefined && !inWorktree) throw usageError('--base applies to a worktree: add --worktree', 'invalid-input');
  const repo = inWorktree ? (findGitTop(io.cwd) ?? null) : null;
  if (inWorktree && repo === null) throw usageError(`--worktree: ${io.cwd} is not in a git repository`, 'invalid-input');
  const modelFlag = ctx.options.model === undefined ? undefined : String(ctx.options.model);
  const config = modelFlag === SIM_MODEL
    ? await loadUserConfig(io.env).then((l) => l.config, (err: unknown) => { if (err instanceof ConfigError && err.code === 'missing-config') return null; throw err; })
    : (await needConfig(ctx)).config;
  const { home, dispatchDir } = workspaceOf(io);
  const { resolution, resting } = await restedModel(io, home, config, resolveModel({ config, modelFlag, prompt }), modelFlag);
  const id = ctx.options.id !== undefined ? assertTaskId(String(ctx.options.id)) : deriveTaskId(prompt || String((ctx.options.step as string[] | undefined)?.[0] ?? 'task'), await listTaskIds(dispatchDir), [resolution.model, resolution.alias ?? '']);
  const after = await dependenciesOf(ctx, dispatchDir, id);
  const title = taskTitle(prompt || id);
  const answerTimeout = ctx.options.answerTimeout === undefined ? config?.answerTimeout : Number(ctx.options.answerTimeout);
  if (answerTimeout !== undefined && (!Number.isInteger(answerTimeout) || answerTimeout <= 0)) throw usageError('--answer-timeout: a positive number of seconds', 'invalid-input');
  const timeLimit = ctx.options.timeLimit === undefined ? (config?.timeLimit ?? DEFAULT_TIME_LIMIT) : Number(ctx.options.timeLimit);
  if (!Number.isInteger(timeLimit) || timeLimit <= 0) throw usageError('--time-limit: a positive number of seconds', 'invalid-input');
  const budgetUsd = ctx.options.budgetUsd === undefined ? undefined : Number(ctx.options.budgetUsd);
  if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd > 0)) throw usageError('--budget-usd: a spend limit in US dollars, more than 0', 'invalid-input');
  const plan = await planFrom(ctx, title, prompt);
  if (repo !== null) await checkWorktreeFree(repo, id, base ?? 'HEAD');
  // Said once the input is known to be good: a refused run prints one line, its error.
  if (ctx.options.json !== true) io.err(`${resting ?? describeResolution(resolution)}\n`);
  const backend = resolution.backend?.name ?? (resolution.via === 'builtin' ? 'sim' : 'command');
  const task = {
    id,
    title,
    prompt,
    model: resolution.model,
    backend,
    options: { ...(answerTimeout !== undefined && { answerTimeout }), timeLimit, ...(budgetUsd !== undefined && { budgetUsd }), ...(after.length > 0 && { after }), ...(inWorktree && { worktree: true, base: base ?? 'HEAD' }) },
    createdAt: new Date().toISOString(),
  };
  const paths = await createTaskFolder(dispatchDir, task, plan);
  await excludeFromGit(dispatchDir).catch(() => undefined);
  let cwd = io.cwd;
  if (repo !== null) {
    // The worker works in its own worktree; a failure here leaves no half-made task behind.
    const worktree = await createTaskWorktree(repo, dispatchDir, paths, base).catch(async (err: unknown) => {
      await rm(paths.dir, { recursive: true, force: true });
      throw err;
    });
    cwd = join(worktree.path, relative(repo, io.cwd));
    io.err(`worktree ${worktree.path} on branch ${worktree.branch}\n`);
  }
  await registerTask(home, { id, dispatchDir, cwd, env: { ...io.env } as Record<string, string>, registeredAt: task.createdAt });
  await ensureDaemonFor(io);

  const items = parsePlan(plan).items.length;
  if (ctx.options.json === true) printJson(io, { id, model: task.model, backend, state: 'queued', taskDir: paths.dir });
  else io.out(`${id}  ${task.model}  ${items} item${items === 1 ? '' : 's'}  ${taskPaths(dispatchDir, id).plan}\n`);
  if (ctx.options.wait === true) {
    const { followTask } = await import('./follow.js');
    return followTask(ctx, dispatchDir, id);
  }
}
