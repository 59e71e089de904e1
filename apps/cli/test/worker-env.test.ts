import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registryDir, taskPaths, workspaceKey } from '@dispatch/ipc-fs';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

// Security (issue 15, finding 5): a worker gets the environment it needs — the default allow-list
// plus what its backend's `env:` names (`env: all` keeps everything) — not every secret of the
// shell that ran `dispatch run`; the stored copy holds only that, mode 0600.
beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** A worker that writes its environment next to the plan, then marks its one item done. */
const ENV_WORKER = 'sh -c \'env > "$DISPATCH_TASK_DIR/worker-env.txt"; sed -i "s/- \\[ \\]/- [x]/" "$DISPATCH_PLAN"\'';

const shell = {
  PATH: process.env.PATH ?? '',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  LC_ALL: 'C.UTF-8',
  HTTPS_PROXY: 'http://proxy.example:3128',
  DISPLAY: ':99',
  AWS_PROFILE: 'work',
  GITHUB_TOKEN: 'ghp_secret',
  MY_DB_PASSWORD: 'hunter2',
};

async function workerEnvOf(backendEnv: string): Promise<{ env: Map<string, string>; stored: Record<string, string> }> {
  const w = e2eWorkspace('worker-env');
  writeFileSync(
    join(w.home, 'config.yaml'),
    `default: envy\nbackends:\n  envy:\n    command: ${JSON.stringify(ENV_WORKER)}\n    model_flag: none\n${backendEnv}models:\n  envy: { backend: envy }\n`,
  );
  Object.assign(w.env, shell);
  const run = await w.dispatch(['run', '--id', 'e', '--step', 'print env', 'x']);
  expect(run.exitCode, String(run.stderr)).toBe(0);
  await until(async () => (await w.state('e')) === 'completed');
  const text = readFileSync(join(taskPaths(w.dispatchDir, 'e').dir, 'worker-env.txt'), 'utf8');
  const env = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const file = join(registryDir(w.home), workspaceKey(w.dispatchDir), 'e.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  return { env, stored: (JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string> }).env };
}

describe("a worker's environment", () => {
  it('is the allow-list plus its backend’s env: names; the stored copy holds no other secret', async () => {
    const { env, stored } = await workerEnvOf('    env: [AWS_PROFILE]\n');
    for (const kept of ['PATH', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL', 'LC_ALL', 'HTTPS_PROXY', 'AWS_PROFILE'])
      expect(env.get(kept), kept).toBe(shell[kept as keyof typeof shell]);
    for (const dropped of ['GITHUB_TOKEN', 'MY_DB_PASSWORD', 'DISPLAY']) expect(env.has(dropped), dropped).toBe(false);
    expect(env.get('DISPATCH_TASK_ID')).toBe('e');
    // Stored for the notify hook too (display), never the rest.
    expect(stored.DISPLAY).toBe(':99');
    expect(stored.AWS_PROFILE).toBe('work');
    expect(stored.GITHUB_TOKEN).toBeUndefined();
    expect(stored.MY_DB_PASSWORD).toBeUndefined();
  });

  it('env: all keeps everything, as before the allow-list', async () => {
    const { env, stored } = await workerEnvOf('    env: all\n');
    expect(env.get('GITHUB_TOKEN')).toBe('ghp_secret');
    expect(env.get('MY_DB_PASSWORD')).toBe('hunter2');
    expect(stored.MY_DB_PASSWORD).toBe('hunter2');
  });

  it.each([
    ['continue', ['continue', 'b', '--answer', 'the first']],
    ['an answer to the blocked task', ['answer', 'b', 'the first']],
  ])("after %s is that of the shell that continued (cut to the allow-list), not run's", async (_, command) => {
    const w = e2eWorkspace('worker-env-continue');
    const sim = new URL('../../../packages/backends/sim/dispatch-sim-worker.sh', import.meta.url).pathname;
    // The sim worker, after writing the environment it was given next to the plan.
    const probe = `sh -c 'env > "$DISPATCH_TASK_DIR/worker-env.txt"; exec sh ${sim} "$@"' probe`;
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: probe\nbackends:\n  probe:\n    command: ${JSON.stringify(probe)}\n    model_flag: none\n    env: [AWS_PROFILE]\nmodels:\n  probe: { backend: probe }\n`,
    );
    Object.assign(w.env, { AWS_PROFILE: 'at-run' });
    expect((await w.dispatch(['run', '--id', 'b', '--step', 'pick {block: Which one?}', 'x'])).exitCode).toBe(0);
    await until(async () => (await w.state('b')) === 'blocked');
    const seen = () => readFileSync(join(taskPaths(w.dispatchDir, 'b').dir, 'worker-env.txt'), 'utf8');
    expect(seen()).toContain('AWS_PROFILE=at-run\n');
    Object.assign(w.env, { AWS_PROFILE: 'at-continue', MY_DB_PASSWORD: 'hunter2' });
    const continued = await w.dispatch([...command]);
    expect(continued.exitCode, continued.stderr).toBe(0);
    await until(async () => (await w.state('b')) === 'completed');
    expect(seen()).toContain('AWS_PROFILE=at-continue\n');
    expect(seen()).not.toContain('MY_DB_PASSWORD');
  });
});
