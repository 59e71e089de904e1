import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';
import { fakeClaudePath, replayEnv } from './fake-clis.js';
import { onTerminal } from './pseudo-terminal.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();
const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

/**
 * The seed's config, commented like a user's, with codex configured but not installed. Its
 * command names codex through an expansion `run` does not read, so the task is created and fails
 * as one whose CLI was uninstalled after `run` does (a plain `codex exec` is refused at `run`).
 */
const CONFIG = `# my dispatch config
default: gpt-5.3-codex   # the usual
backends:
  codex: { command: "\${CODEX_BIN:-codex} exec --full-auto" }
  shell: { command: "sh ${shellWorker}" }   # a plain worker
models:
  # OpenAI
  gpt-5.3-codex: { backend: codex }
  # local
  steady: { backend: shell }
`;

describe('recovery from a model failure', () => {
  it('a missing CLI fails the task; wait lists what can run; retry --model --set-default --remove-failed repairs the config and completes', async () => {
    const w = e2eWorkspace('recovery');
    const config = join(w.home, 'config.yaml');
    writeFileSync(config, CONFIG);
    const run = await w.dispatch([
      'run',
      '--id',
      'api-tests',
      '--step',
      'Write the API tests',
      '--step',
      'Run them',
      'write the api tests',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('using gpt-5.3-codex (default)');
    await until(async () => (await w.state('api-tests')) === 'failed');

    const wait = await w.dispatch(['wait', 'api-tests', '--json']);
    expect(wait.exitCode, wait.stderr).toBe(0);
    const failed = JSON.parse(String(wait.stdout)) as { type: string; alternatives: string[]; kind: string };
    expect(failed.type).toBe('failed');
    expect(failed.alternatives).toEqual(['steady']);

    // Refusals leave the config and the task as they were.
    const before = readFileSync(config, 'utf8');
    for (const [args, message] of [
      [['--set-default'], 'dispatch: --set-default: name the new default with --model'],
      [
        ['--model', 'steady', '--remove-failed'],
        'dispatch: --remove-failed: gpt-5.3-codex is the default: add --set-default to make steady the default',
      ],
      [
        ['--remove-failed', '--set-default', '--model', 'gpt-5.3-codex'],
        'dispatch: --remove-failed: the retry would use gpt-5.3-codex itself: choose another with --model',
      ],
    ] as const) {
      const refused = await w.dispatch(['retry', 'api-tests', ...args]);
      expect([refused.exitCode, refused.stderr]).toEqual([2, message]);
    }
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(await w.state('api-tests')).toBe('failed');

    const retry = await w.dispatch(['retry', 'api-tests', '--model', 'steady', '--set-default', '--remove-failed']);
    expect([retry.exitCode, retry.stderr]).toEqual([0, '']);
    expect(retry.stdout).toBe('config: default is now steady, removed gpt-5.3-codex\nretrying api-tests with steady');
    await until(async () => (await w.state('api-tests')) === 'completed');

    const repaired = readFileSync(config, 'utf8');
    expect(repaired).toContain('# my dispatch config');
    expect(repaired).toMatch(/^default: steady +# the usual$/m);
    expect(repaired).toContain('# a plain worker');
    expect(repaired).not.toContain('gpt-5.3-codex: { backend: codex }');
    const status = JSON.parse(String((await w.dispatch(['status', 'api-tests', '--json'])).stdout)) as {
      model: string;
      progress: { done: number; total: number };
    };
    expect(status).toMatchObject({ model: 'steady', progress: { done: 2, total: 2 } });
  });
});

describe('a model resting after a quota failure', () => {
  const RESTING_CONFIG = `default: opus
backends:
  shell: { command: "sh ${shellWorker}" }
models:
  opus: { backend: shell }
  sonnet: { backend: shell }
fallback: [sonnet]
`;

  it('new tasks use the first free fallback model until the cooldown ends, then the preferred one again', async () => {
    const w = e2eWorkspace('resting');
    writeFileSync(join(w.home, 'config.yaml'), RESTING_CONFIG);
    const rest = (until: number) =>
      writeFileSync(
        join(w.home, 'cooldowns.json'),
        JSON.stringify({ v: 1, cooldowns: [{ model: 'opus', until, reason: 'rate limited' }] }),
      );
    rest(Date.now() + 3_600_000);
    const during = await w.dispatch(['run', '--id', 'during', '--step', 'one', 'do it', '--json']);
    expect(during.exitCode, during.stderr).toBe(0);
    expect(JSON.parse(String(during.stdout))).toMatchObject({ model: 'sonnet' });
    const human = await w.dispatch(['run', '--id', 'during-2', '--step', 'one', 'do it']);
    expect(human.stderr).toMatch(
      /^using sonnet \(opus is resting after a quota failure until (?:[A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d\)$/,
    );
    const explicit = await w.dispatch(['run', '--id', 'explicit', '--model', 'opus', '--step', 'one', 'do it']);
    expect(explicit.stderr).toMatch(
      /^using opus \(--model\)\nwarning: opus is resting after a quota failure until (?:[A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d: the task waits for it, unless a fallback takes over$/,
    );
    rest(Date.now() - 1);
    const after = await w.dispatch(['run', '--id', 'after', '--step', 'one', 'do it']);
    expect(after.stderr).toBe('using opus (default)');
    for (const id of ['during', 'during-2', 'explicit', 'after'])
      await until(async () => (await w.state(id)) === 'completed');
  });
});

describe('recovery without the user', () => {
  it('with fallback configured, a quota failure rests the model and the task completes on the fallback; new tasks use it until the rest ends', async () => {
    const w = e2eWorkspace('fallback');
    w.env.PATH = fakeClaudePath();
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: sonnet\nbackends:\n  claude: { command: "claude -p --dangerously-skip-permissions", env: [FAKE_CLI_REPLAY, FAKE_CLI_CASE] }\n  shell: { command: "sh ${shellWorker}" }\nmodels:\n  sonnet: { backend: claude }\n  steady: { backend: shell }\nfallback: [steady]\n`,
    );
    const env = replayEnv('http-429');
    Object.assign(w.env, env);
    const run = await w.dispatch([
      'run',
      '--id',
      'limited',
      '--step',
      'Write the tests',
      '--step',
      'Run them',
      'write the tests',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    await until(async () => (await w.state('limited')) === 'completed');

    const log = readFileSync(join(w.dispatchDir, 'tasks/limited/events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const exited = log.find((e) => e.type === 'worker.exited') as { cause: { kind: string } };
    expect(exited.cause.kind).toBe('quota');
    expect(log.filter((e) => e.type === 'retry')).toEqual([
      expect.objectContaining({ model: 'steady', by: 'fallback' }),
    ]);
    const view = JSON.parse(String((await w.dispatch(['status', 'limited', '--json'])).stdout)) as {
      model: string;
      progress: { done: number };
    };
    expect(view).toMatchObject({ model: 'steady', progress: { done: 2 } });
    const cooldowns = JSON.parse(readFileSync(join(w.home, 'cooldowns.json'), 'utf8')) as {
      cooldowns: { model: string; until: number }[];
    };
    expect(cooldowns.cooldowns).toEqual([expect.objectContaining({ model: 'sonnet' })]);
    expect(cooldowns.cooldowns[0]!.until).toBeGreaterThan(Date.now() + 20 * 60_000); // no reset time printed: quota_cooldown, 30 min

    const next = await w.dispatch(['run', '--id', 'next', '--step', 'One more', 'one more']);
    expect(next.stderr).toMatch(
      /^using steady \(sonnet is resting after a quota failure until (?:[A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d\)$/,
    );
    await until(async () => (await w.state('next')) === 'completed');
  });

  it("the seed's three workers: one report, one line per failure with what to do; the CLI-missing one completes on another model", async () => {
    const w = e2eWorkspace('three-workers');
    writeFileSync(join(w.home, 'config.yaml'), CONFIG);
    const start = async (id: string, model: string, ...steps: string[]) => {
      const r = await w.dispatch(['run', '--id', id, '--model', model, ...steps.flatMap((s) => ['--step', s]), id]);
      expect(r.exitCode, r.stderr).toBe(0);
    };
    await start(
      'security-review',
      'sim',
      'Scan for secrets',
      'Review authentication logic {fail: auth/ directory not found}',
      'Write findings',
    );
    await start('api-tests', 'gpt-5.3-codex', 'Write the API tests', 'Run them');
    await start('update-readme', 'sim', 'Update the README');
    await until(
      async () =>
        (await Promise.all(['security-review', 'api-tests', 'update-readme'].map(w.state))).join() ===
        'failed,failed,completed',
    );

    const report = String((await w.dispatch(['status'])).stdout).split('\n');
    expect(
      report
        .filter((l) => /^(security-review|api-tests|update-readme) /.test(l))
        .map((l) => l.split(/\s+/).slice(0, 2).join(' '))
        .sort(),
    ).toEqual(['api-tests failed', 'security-review failed', 'update-readme completed']);
    expect(report).toContain(
      'security-review: plan-error — Review authentication logic: auth/ directory not found. Fix the cause, then: dispatch retry security-review',
    );
    expect(report.find((l) => l.startsWith('api-tests: cli-missing — '))).toMatch(
      /codex.*Retry with another model: dispatch retry api-tests --model steady$/,
    );

    expect((await w.dispatch(['retry', 'api-tests', '--model', 'steady'])).exitCode).toBe(0);
    await until(async () => (await w.state('api-tests')) === 'completed');
  });
});

describe('retry on a terminal', () => {
  it('asks which model (the ones that can run first), then whether to repair the config (leaving it is preselected)', async () => {
    const w = e2eWorkspace('retry-tty');
    const config = join(w.home, 'config.yaml');
    writeFileSync(config, CONFIG);
    expect(
      (await w.dispatch(['run', '--id', 'api-tests', '--step', 'Write the API tests', 'api tests'])).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('api-tests')) === 'failed');
    const { tty, plain, screen } = onTerminal(w, 'retry api-tests');
    await until(() => screen().includes('Retry with'));
    expect(plain()).toMatch(/api-tests failed \(cli-missing: codex: command not found .*\)\. Retry with/);
    expect(plain().indexOf('steady (shell)')).toBeLessThan(plain().indexOf('gpt-5.3-codex again'));
    tty.stdin?.write('\r'); // the first choice: steady
    await until(() => screen().includes('So this does not happen again'));
    const menu = plain().slice(plain().indexOf('So this does not happen again'));
    expect(menu.indexOf('Leave the config as it is')).toBeLessThan(menu.indexOf('and remove gpt-5.3-codex'));
    // A missing CLI is installed, not configured away: the preselected repair leaves the config;
    // the last choice removes the failed model.
    tty.stdin?.write('\u001b[B\u001b[B\r');
    const done = await tty;
    expect(done.exitCode, screen()).toBe(0);
    expect(plain()).toContain('config: default is now steady, removed gpt-5.3-codex');
    const repaired = readFileSync(config, 'utf8');
    expect(repaired).toMatch(/^default: steady +# the usual$/m);
    expect(repaired).not.toContain('gpt-5.3-codex: { backend: codex }');
    await until(async () => (await w.state('api-tests')) === 'completed');
  });
});
