import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BACKEND_COMMANDS } from '@dispatch/config';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, type E2eWorkspace } from './e2e-workspace.js';
import {
  blockingScript,
  DEFAULT_QUESTION,
  GREETING_FILE,
  protocolScript,
  startFakeModelApi,
  type FakeModelApi,
} from './fake-model-api/index.js';

/**
 * The real worker CLIs, installed where `DISPATCH_REAL_CLIS_DIR` points (a folder holding `claude`,
 * `codex` and `gemini` executables: scripts/install-real-clis.sh prints one). Without it the
 * real-CLI tests skip, saying why; with `DISPATCH_REQUIRE_REAL_CLIS=1` (as CI sets) a missing CLI
 * fails them.
 */
export function realCli(name: 'claude' | 'codex' | 'gemini'): {
  dir: string | null;
  missing: string | null;
  required: boolean;
} {
  const dir = process.env.DISPATCH_REAL_CLIS_DIR || null;
  const required = process.env.DISPATCH_REQUIRE_REAL_CLIS === '1';
  if (dir === null)
    return {
      dir,
      required,
      missing: `DISPATCH_REAL_CLIS_DIR is not set (run scripts/install-real-clis.sh and set it to the folder it prints)`,
    };
  if (!existsSync(join(dir, name)))
    return { dir, required, missing: `no ${name} in DISPATCH_REAL_CLIS_DIR=${dir} (run scripts/install-real-clis.sh)` };
  return { dir, required, missing: null };
}

/** Room for a real CLI's start-up and a few model turns on a loaded 2-core machine (they take seconds). */
export const REAL_CLI_TEST_TIMEOUT = 180_000;

/** Where the backend commands find this task's fake model API: set per `run` (a worker gets the environment of the run that created its task). */
export const API_URL_VAR = 'FAKE_MODEL_API_URL';

/**
 * The backend commands `dispatch init` writes, with what reaches the loopback fake model API put
 * in front (claude, gemini) or after (codex), the way a user would configure a gateway. Retries are
 * off so failures show at once: claude's CLAUDE_CODE_MAX_RETRIES=0, codex's provider retry
 * settings. IS_SANDBOX=1 lets claude take --dangerously-skip-permissions as root (CI runs as root).
 * Gemini also needs API-key auth chosen in its settings (`useRealClis` writes them).
 */
export const REAL_CLI_COMMANDS = {
  claude: `env IS_SANDBOX=1 ANTHROPIC_API_KEY=sk-ant-dummy ANTHROPIC_BASE_URL="$${API_URL_VAR}" CLAUDE_CODE_MAX_RETRIES=0 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 ${BACKEND_COMMANDS.claude}`,
  codex:
    `env CODEX_HOME="$HOME/.codex" OPENAI_API_KEY=sk-dummy ${BACKEND_COMMANDS.codex} -c model_provider=fake ` +
    `-c "model_providers.fake={name=\\"fake\\",base_url=\\"$${API_URL_VAR}/v1\\",env_key=\\"OPENAI_API_KEY\\",wire_api=\\"responses\\",request_max_retries=0,stream_max_retries=0}"`,
  gemini: `env GEMINI_API_KEY=dummy GOOGLE_GEMINI_BASE_URL="$${API_URL_VAR}" ${BACKEND_COMMANDS.gemini}`,
};

/** config.yaml for the real CLIs: claude serves sonnet, codex gpt-5.3-codex, gemini gemini-2.5-pro. */
export function realCliConfig(): string {
  return [
    'default: sonnet',
    'backends:',
    // The gateway's URL is no variable a worker gets by default: each backend names it (`env:`).
    `  claude: { command: ${JSON.stringify(REAL_CLI_COMMANDS.claude)}, env: [${API_URL_VAR}] }`,
    `  codex: { command: ${JSON.stringify(REAL_CLI_COMMANDS.codex)}, env: [${API_URL_VAR}] }`,
    `  gemini: { command: ${JSON.stringify(REAL_CLI_COMMANDS.gemini)}, env: [${API_URL_VAR}] }`,
    'models:',
    '  sonnet: { backend: claude }',
    '  gpt-5.3-codex: { backend: codex }',
    '  gemini-2.5-pro: { backend: gemini }',
    '',
  ].join('\n');
}

/**
 * Prepares a workspace for real CLIs: the config, a git repository (codex exec wants one) and a
 * scratch HOME (CODEX_HOME inside it must exist; gemini's settings choose API-key auth); returns
 * how to run `dispatch` so that the worker it starts finds the CLIs and talks to the fake API at
 * `apiUrl`.
 */
export function useRealClis(ws: E2eWorkspace, clisDir: string) {
  writeFileSync(join(ws.home, 'config.yaml'), realCliConfig());
  execFileSync('git', ['init', '-q'], { cwd: ws.dir });
  const home = mkdtempSync(join(tmpdir(), 'dispatch-real-cli-user-'));
  mkdirSync(join(home, '.codex'));
  mkdirSync(join(home, '.gemini'));
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
  );
  const path = [clisDir, dirname(process.execPath), ws.env.PATH].join(':');
  const dispatch = (args: string[], apiUrl: string) =>
    execa('node', [bin, ...args], {
      cwd: ws.dir,
      reject: false,
      extendEnv: false,
      env: { ...ws.env, PATH: path, HOME: home, [API_URL_VAR]: apiUrl },
    });
  return Object.assign(dispatch, { home }); // the CLIs' HOME: their sessions, for tests that remove one
}

/** What `status --json` says of a task, as far as these tests look. */
export interface TaskView {
  id: string;
  state: string;
  model: string;
  backend: string;
  progress: { done: number; total: number };
  error: { kind: string; message: string } | null;
}

/** Waits (polling `status --json`) until every task named is in a final state; returns their views by id. */
export async function untilAllFinished(
  ws: E2eWorkspace,
  ids: readonly string[],
  timeout: number,
): Promise<Record<string, TaskView>> {
  return vi.waitUntil(
    async () => {
      const views = JSON.parse((await ws.dispatch(['status', '--json'])).stdout) as TaskView[];
      const byId = Object.fromEntries(views.map((v) => [v.id, v]));
      return ids.every((id) => ['failed', 'completed', 'cancelled'].includes(byId[id]?.state ?? '')) ? byId : null;
    },
    { timeout, interval: 250 },
  );
}

type RealCliName = 'claude' | 'codex' | 'gemini';

/** What a real-CLI test gets: the CLI, and a fake model API that is closed after the block. */
export interface RealCliContext {
  cli: ReturnType<typeof realCli>;
  startApi: (options: Parameters<typeof startFakeModelApi>[0]) => Promise<FakeModelApi>;
}

/**
 * A describe block of tests that run the real `name` CLI against the fake model API: skipped,
 * saying why, when the CLI is missing (a failure with `DISPATCH_REQUIRE_REAL_CLIS=1`); the built
 * CLI checked fresh; workspaces and fake APIs cleaned up after.
 */
export function describeRealCli(name: RealCliName, body: (ctx: RealCliContext) => void): void {
  const cli = realCli(name);
  const skip = cli.missing !== null && !cli.required;
  if (skip)
    console.warn(`real-${name} tests skipped: ${cli.missing}; DISPATCH_REQUIRE_REAL_CLIS=1 makes this a failure`);
  describe.skipIf(skip)(`real ${name} against the fake model API${skip ? ` (skipped: ${cli.missing})` : ''}`, () => {
    beforeAll(() => {
      if (cli.missing) throw new Error(`DISPATCH_REQUIRE_REAL_CLIS=1 but ${cli.missing}`);
      assertFreshBuild();
    });
    cleanUpWorkspaces();
    const apis: FakeModelApi[] = [];
    afterAll(() => Promise.all(apis.map((a) => a.close())));
    body({
      cli,
      startApi: async (options) => {
        const api = await startFakeModelApi(options);
        apis.push(api);
        return api;
      },
    });
  });
}

/**
 * Task `pick` run with `model` against the fake's blocking script, until its first worker has
 * blocked on item 2 (the script finishes only a worker that resumed the first one's session).
 */
export async function blockedTask(ctx: RealCliContext, name: string, model: string) {
  const ws = e2eWorkspace(name);
  const dispatch = useRealClis(ws, ctx.cli.dir!);
  const api = await ctx.startApi({ script: blockingScript });
  const run = await dispatch(
    ['run', '--id', 'pick', '--model', model, '--step', 'Get ready', '--step', 'Pick the greeting', 'Pick a greeting'],
    api.url,
  );
  expect(run.exitCode, run.stderr).toBe(0);
  await vi.waitUntil(async () => (await ws.state('pick')) === 'blocked', { timeout: 90_000, interval: 250 });
  const log = () => readFileSync(join(ws.dispatchDir, 'tasks', 'pick', 'worker.log'), 'utf8');
  return { ws, dispatch, api, log };
}

/** How one CLI's resume shows: the session id its output names per run, and its first tool call's id. */
export interface ResumeShape {
  backend: RealCliName;
  model: string;
  /** Matches once per run of the CLI; group 1 is the session (thread) id. */
  session: RegExp;
  /** The id the fake gave the first worker's first tool call: in the resumed conversation. */
  firstCallId: string;
}

/**
 * A continued task resumes the first attempt's session: only a resumed second worker finishes
 * the blocking script, both runs name one session, and the second worker's first request to the
 * model carries the first conversation, then its own prompt.
 */
export async function expectContinuedTaskResumes(ctx: RealCliContext, shape: ResumeShape): Promise<FakeModelApi> {
  const { ws, dispatch, api, log } = await blockedTask(ctx, `real-${shape.backend}-resume`, shape.model);
  const firstRequests = api.requests.length;
  const continued = await dispatch(['continue', 'pick', '--answer', 'Hello'], api.url);
  expect(continued.exitCode, continued.stderr).toBe(0);
  const secondExit = join(ws.dispatchDir, 'tasks', 'pick', 'attempts', '2.exit');
  await vi.waitUntil(async () => existsSync(secondExit) && (await ws.state('pick')) !== 'running', {
    timeout: 90_000,
    interval: 250,
  });
  const views = await untilAllFinished(ws, ['pick'], 10_000).catch(() => ({
    pick: { state: 'blocked again: the second worker started afresh' },
  }));
  expect(views.pick).toMatchObject({
    state: 'completed',
    backend: shape.backend,
    progress: { done: 2, total: 2 },
    error: null,
  });
  const sessions = [...log().matchAll(new RegExp(shape.session.source, 'g'))].map((m) => m[1]);
  expect(sessions).toHaveLength(2);
  expect(sessions[1]).toBe(sessions[0]);
  const resumed = api.requests.slice(firstRequests).find((r) => r.reply.startsWith('step'));
  expect(resumed?.body).toContain(shape.firstCallId);
  expect(resumed?.body).toContain('This task was started before');
  return api;
}

/**
 * A task run with `model` asks a question (by the protocol's files, or by `dispatch ask`) that
 * `dispatch answer` answers, and completes: the answer written where the plan said, acknowledged,
 * and every step asked of the fake model with the model dispatch passed (`modelSent` matches it).
 */
export async function expectTaskCompletesWithAnswer(
  ctx: RealCliContext,
  backend: RealCliName,
  model: string,
  modelSent: RegExp,
  via: 'files' | 'dispatch-ask',
): Promise<void> {
  const ws = e2eWorkspace(`real-${backend}`);
  const dispatch = useRealClis(ws, ctx.cli.dir!);
  const api = await ctx.startApi({ script: (plan) => protocolScript(plan, DEFAULT_QUESTION, via) });
  const run = await dispatch(
    [
      'run',
      '--id',
      'greet',
      '--model',
      model,
      '--step',
      'Get ready',
      '--step',
      'Write the greeting the user picks',
      'Write a greeting',
    ],
    api.url,
  );
  expect(run.exitCode, run.stderr).toBe(0);

  const asked = await dispatch(['wait', 'greet', '--json', '--timeout', '90'], api.url);
  expect(asked.exitCode, asked.stderr).toBe(0);
  expect(JSON.parse(asked.stdout)).toMatchObject({ type: 'question', id: 'greet', seq: 1, text: DEFAULT_QUESTION });
  const answered = await dispatch(['answer', 'greet', 'Hello from the user'], api.url);
  expect(answered.exitCode, answered.stderr).toBe(0);

  const done = await dispatch(['wait', 'greet', '--json', '--timeout', '90'], api.url);
  expect(JSON.parse(done.stdout), done.stderr).toMatchObject({ type: 'completed', id: 'greet' });
  const views = await untilAllFinished(ws, ['greet'], 10_000);
  expect(views.greet).toMatchObject({ state: 'completed', backend, progress: { done: 2, total: 2 }, error: null });
  expect(readFileSync(join(ws.dir, GREETING_FILE), 'utf8').trim()).toBe('Hello from the user');
  expect(existsSync(join(ws.dispatchDir, 'tasks', 'greet', 'ipc', '001.done'))).toBe(true);
  // The CLI asked the fake for every step (the wait step at least once),
  const steps = api.requests.filter((r) => r.reply.startsWith('step'));
  expect(steps.length).toBeGreaterThanOrEqual(via === 'files' ? 6 : 5);
  // with the model dispatch passed it.
  for (const r of steps) expect(r.model).toMatch(modelSent);
}
