import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type AgentModel,
  ConfigError,
  configPath,
  detectClis,
  discoverModels,
  type FoundModel,
  parseAgentModels,
  renderInitialConfig,
  suggestedDefault,
  UNATTENDED,
} from '@dispatch/config';
import { CLI_INSTALL } from '@dispatch/backends';
import { writeFileAtomic } from '@dispatch/ipc-fs';
import { execa } from 'execa';
import { DispatchError, usageError } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import type { Io } from '../io.js';
import { printJson } from '../json-output.js';

// Claude Code first, Cursor's agent (no npm package) last.
const INSTALL_ORDER = ['claude', 'codex', 'gemini', 'opencode', 'cursor'] as const;
const INSTALL_HINTS = INSTALL_ORDER.map((k) => `${CLI_INSTALL[k].product}: ${CLI_INSTALL[k].install}`);

const EXAMPLE = `default: opus
backends:
  claude: { command: "env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions" }
  codex:  { command: "codex exec --sandbox workspace-write -C \\"$(pwd)\\"" }
models:
  opus: { backend: claude }
  sonnet: { backend: claude }
  gpt-5.3-codex: { backend: codex }
aliases:
  quick: { model: sonnet }
`;

/** Cursor's model list (`agent models`); none when it cannot be had (not logged in, offline). */
async function cursorModels(agent: string, env: NodeJS.ProcessEnv): Promise<AgentModel[]> {
  const result = await execa(agent, ['models'], { env, reject: false, timeout: 20_000, stdin: 'ignore' });
  return result.exitCode === 0 ? parseAgentModels(String(result.stdout)) : [];
}

/** Asks for the default on a terminal (a prompt library: arrow keys, enter). */
async function askDefault(models: readonly FoundModel[], suggested: string | undefined): Promise<string> {
  const { default: select } = await import('@inquirer/select');
  return select({
    message: 'Default model',
    choices: models.map((m) => ({ name: `${m.id}  (${m.backend})`, value: m.id })),
    ...(suggested !== undefined && { default: suggested }),
  });
}

async function chooseDefault(ctx: CommandContext, models: readonly FoundModel[]): Promise<string> {
  const wanted = ctx.options.default === undefined ? undefined : String(ctx.options.default);
  if (wanted !== undefined) {
    if (!models.some((m) => m.id === wanted)) {
      throw usageError(
        `--default ${wanted}: not among the models found (${models.map((m) => m.id).join(', ')})`,
        'invalid-input',
      );
    }
    return wanted;
  }
  const suggested = suggestedDefault(models);
  if (ctx.options.yes === true && suggested !== undefined) return suggested;
  if (!ctx.io.interactive)
    throw usageError(
      `choose the default model: --default <model> (e.g. --default ${suggested}), or --yes for ${suggested}`,
    );
  return askDefault(models, suggested);
}

/** First-run setup; also what bare `dispatch` runs on a terminal when there is no config. */
export async function firstRun(ctx: CommandContext): Promise<{ path: string; default: string; models: FoundModel[] }> {
  const { io } = ctx;
  const path = configPath(io.env);
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  ) {
    if (ctx.options.force !== true)
      throw new DispatchError(
        'failure',
        `${path} exists: change it with \`dispatch config ...\`, or run \`dispatch init --force\` to start over`,
      );
  }
  const found = detectClis(io.env);
  if (Object.values(found).every((p) => p === null)) {
    io.err(`No worker CLI found on PATH. Install one of:\n${INSTALL_HINTS.map((h) => `  ${h}`).join('\n')}\n`);
    io.err(`Then run \`dispatch init\` again. An example ${path}:\n\n${EXAMPLE}\n`);
    io.err('Meanwhile the built-in simulated worker needs no config: dispatch demo, or --model sim.\n');
    throw new DispatchError('failure', 'no worker CLI found');
  }
  const models = discoverModels(found, found.cursor ? await cursorModels(found.cursor, io.env) : []);
  if (models.length === 0)
    throw new ConfigError(
      'missing-config',
      'the installed CLIs offered no model (is Cursor logged in? try `agent models`)',
    );
  const chosen = await chooseDefault(ctx, models);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, renderInitialConfig(models, chosen), { mode: 0o600 });
  return { path, default: chosen, models };
}

/** `dispatch init [--default M] [--yes] [--force]`. */
export async function run(ctx: CommandContext): Promise<void> {
  const result = await firstRun(ctx);
  report(ctx.io, ctx.options.json === true, result);
}

/** What init wrote, what its backends turn off so workers run unattended, and what to do next. */
function report(io: Io, json: boolean, r: Awaited<ReturnType<typeof firstRun>>): void {
  const backends = [...new Set(r.models.map((m) => m.backend))];
  const unattended = backends.map((backend) => ({ backend, turnsOff: UNATTENDED[backend] }));
  if (json) {
    const models = r.models.map(({ id, backend }) => ({ id, backend }));
    printJson(io, { path: r.path, default: r.default, models, unattended });
    return;
  }
  const next = [
    [`dispatch "use ${r.default} to review the README"`, 'start a task (returns at once)'],
    ['dispatch', 'what needs you'],
    ['dispatch status', 'every task of this workspace'],
  ];
  const width = Math.max(...next.map(([line]) => line!.length));
  io.out(
    [
      `Wrote ${r.path}: default ${r.default}, ${r.models.length} models (${backends.join(', ')}).`,
      "Workers run in the background with no one to approve their actions, so each CLI's prompts are off:",
      ...unattended.map((u) => `  ${u.backend}: ${u.turnsOff}`),
      `To change that, edit the backend's command in ${r.path} (see docs/config.md).`,
      '',
      'Next:',
      ...next.map(([line, note]) => `  ${line!.padEnd(width)}   ${note}`),
    ].join('\n') + '\n',
  );
}
