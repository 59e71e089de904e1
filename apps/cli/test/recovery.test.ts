import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();
const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

/** The seed's config, commented like a user's, with codex configured but not installed. */
const CONFIG = `# my dispatch config
default: gpt-5.3-codex   # the usual
backends:
  codex: { command: "codex exec --full-auto" }
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
    const run = await w.dispatch(['run', '--id', 'api-tests', '--step', 'Write the API tests', '--step', 'Run them', 'write the api tests']);
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
      [['--model', 'steady', '--remove-failed'], 'dispatch: --remove-failed: gpt-5.3-codex is the default: add --set-default to make steady the default'],
      [['--remove-failed', '--set-default', '--model', 'gpt-5.3-codex'], 'dispatch: --remove-failed: the retry would use gpt-5.3-codex itself: choose another with --model'],
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
    const status = JSON.parse(String((await w.dispatch(['status', 'api-tests', '--json'])).stdout)) as { model: string; progress: { done: number; total: number } };
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
    const rest = (until: number) => writeFileSync(join(w.home, 'cooldowns.json'), JSON.stringify({ v: 1, cooldowns: [{ model: 'opus', until, reason: 'rate limited' }] }));
    rest(Date.now() + 3_600_000);
    const during = await w.dispatch(['run', '--id', 'during', '--step', 'one', 'do it', '--json']);
    expect(during.exitCode, during.stderr).toBe(0);
    expect(JSON.parse(String(during.stdout))).toMatchObject({ model: 'sonnet' });
    const human = await w.dispatch(['run', '--id', 'during-2', '--step', 'one', 'do it']);
    expect(human.stderr).toMatch(/^using sonnet \(opus is resting after a quota failure until \d\d:\d\d\)$/);
    const explicit = await w.dispatch(['run', '--id', 'explicit', '--model', 'opus', '--step', 'one', 'do it']);
    expect(explicit.stderr).toMatch(/^using opus \(--model\)\nwarning: opus is resting after a quota failure until \d\d:\d\d: it may fail again$/);
    rest(Date.now() - 1);
    const after = await w.dispatch(['run', '--id', 'after', '--step', 'one', 'do it']);
    expect(after.stderr).toBe('using opus (default)');
    for (const id of ['during', 'during-2', 'explicit', 'after']) await until(async () => (await w.state(id)) === 'completed');
  });
});
