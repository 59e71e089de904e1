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

/** Two models on the claude CLI (the default first in the file), one on another backend. */
const CONFIG = `default: sonnet   # mine
backends:
  claude: { command: "claude -p", env: [FAKE_CLI_REPLAY, FAKE_CLI_CASE] }
  shell: { command: "sh ${shellWorker}" }
models:
  sonnet: { backend: claude }
  opus: { backend: claude }
  steady: { backend: shell }
`;

async function failedTask(fakeCase: string) {
  const w = e2eWorkspace(`retry-menu-${fakeCase}`);
  w.env.PATH = fakeClaudePath();
  Object.assign(w.env, replayEnv(fakeCase));
  const config = join(w.home, 'config.yaml');
  writeFileSync(config, CONFIG);
  const run = await w.dispatch(['run', '--id', 'review', '--step', 'Review it', 'review the auth module']);
  expect(run.exitCode, run.stderr).toBe(0);
  await until(async () => (await w.state('review')) === 'failed');
  return { w, config };
}

describe('what a failed task is offered, by the kind of failure', () => {
  it('claude not logged in (auth): another backend first everywhere, and the preselected repair leaves the config', async () => {
    const { w, config } = await failedTask('no-credentials');
    const status = String((await w.dispatch(['status'])).stdout);
    expect(status).toMatch(
      /^review: auth — .*Retry with another model: dispatch retry review --model steady \(or: opus\)$/m,
    );
    const wait = JSON.parse(String((await w.dispatch(['wait', 'review', '--json'])).stdout)) as {
      kind: string;
      alternatives: string[];
    };
    expect(wait).toMatchObject({ kind: 'auth', alternatives: ['steady', 'opus'] });
    expect(String((await w.dispatch(['inbox'])).stdout)).toContain('dispatch retry review --model steady');

    const before = readFileSync(config, 'utf8');
    const { tty, plain, screen } = onTerminal(w, 'retry review');
    await until(() => plain().includes('Retry with'));
    expect(plain().indexOf('steady (shell)')).toBeLessThan(plain().indexOf('opus (claude)'));
    tty.stdin?.write('\r'); // the first choice: steady
    await until(() => plain().includes('So this does not happen again'));
    tty.stdin?.write('\r'); // the preselected repair
    const done = await tty;
    expect(done.exitCode, screen()).toBe(0);
    expect(plain()).not.toContain('config:');
    expect(readFileSync(config, 'utf8')).toBe(before);
    await until(async () => (await w.state('review')) === 'completed');
  });

  it('a model the API does not have (model-unavailable): its siblings stay in config order, and the preselected repair replaces it', async () => {
    const { w, config } = await failedTask('http-404-model');
    expect(String((await w.dispatch(['status'])).stdout)).toMatch(
      /^review: model-unavailable — .*dispatch retry review --model opus \(or: steady\)$/m,
    );
    const { tty, plain, screen } = onTerminal(w, 'retry review');
    await until(() => plain().includes('Retry with'));
    tty.stdin?.write('\r'); // the first choice: opus
    await until(() => plain().includes('So this does not happen again'));
    tty.stdin?.write('\r'); // the preselected repair: opus the default, sonnet removed
    const done = await tty;
    expect(done.exitCode, screen()).toBe(0);
    expect(plain()).toContain('config: default is now opus, removed sonnet');
    const repaired = readFileSync(config, 'utf8');
    expect(repaired).toMatch(/^default: opus +# mine$/m);
    expect(repaired).not.toContain('sonnet: { backend: claude }');
  });
});
