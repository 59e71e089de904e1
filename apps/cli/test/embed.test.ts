import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';

// examples/embed/embed.mjs run as an app of its own: copied to a folder outside the repository
// whose node_modules holds @dispatch/runtime and nothing else, run with plain node (so the
// runtime's built dist, as an app installing it gets), then looked at with the CLI.
const repo = new URL('../../../', import.meta.url).pathname;
const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'dispatch-embed-home-'));
const app = mkdtempSync(join(tmpdir(), 'dispatch-embed-app-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  DISPATCH_HOME: home,
  DISPATCH_DAEMON_IDLE_MS: '4000',
  NO_COLOR: '1',
};

beforeAll(() => {
  assertFreshBuild();
  copyFileSync(join(repo, 'examples/embed/embed.mjs'), join(app, 'embed.mjs'));
  mkdirSync(join(app, 'node_modules/@dispatch'), { recursive: true });
  symlinkSync(join(repo, 'packages/runtime'), join(app, 'node_modules/@dispatch/runtime'));
  // A worker that asks through the executable dispatch gave it (`$DISPATCH_BIN ask`): with a
  // daemon the app started, that is the runtime's own, not the CLI.
  const asker = join(app, 'asking-worker.sh');
  writeFileSync(
    asker,
    [
      '#!/bin/sh',
      'answer=$("$DISPATCH_BIN" ask "Which database?") || exit 1',
      'printf "%s\\n" "$DISPATCH_BIN" > "$DISPATCH_TASK_DIR/bin-used"',
      'sed "s/^- \\[ \\] \\(.*\\)/- [x] \\1 — $answer/" "$DISPATCH_PLAN" > "$DISPATCH_PLAN.tmp" && mv "$DISPATCH_PLAN.tmp" "$DISPATCH_PLAN"',
      ': > "$DISPATCH_IPC_DIR/.done"',
      '',
    ].join('\n'),
  );
  chmodSync(asker, 0o755);
  writeFileSync(
    join(home, 'config.yaml'),
    [
      'default: shellbot',
      'backends:',
      `  shell: { command: "sh ${shellWorker}" }`,
      `  asker: { command: "sh ${asker}" }`,
      'models:',
      '  shellbot: { backend: shell }',
      '  askbot: { backend: asker }',
      '',
    ].join('\n'),
  );
});
afterAll(() => execa('node', [bin, 'daemon', 'stop'], { env, extendEnv: false, reject: false }));

/** A fresh workspace, the example run in it with `args`, and the CLI for it. */
async function runExample(args: string[]) {
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-embed-ws-'));
  const r = await execa('node', [join(app, 'embed.mjs'), ...args], {
    cwd: ws,
    env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  const cli = (cliArgs: string[]) =>
    execa('node', [bin, ...cliArgs], { cwd: ws, env, extendEnv: false, reject: false });
  return { ws, r, cli };
}

describe('an app that imports only @dispatch/runtime (examples/embed)', () => {
  it('runs a sim task, is told of its question by watch(), answers it, sees it complete; dispatch status shows it completed', async () => {
    const { r, cli } = await runExample([]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^started review-authentication-module \(sim\)/m);
    expect(r.stdout).toContain('question #1: Found both JWT and session-based auth. Which should I focus on?');
    expect(r.stdout).toContain('answered #1: Focus on JWT');
    expect(r.stdout).toMatch(/review-authentication-module completed \(3\/3\)/);
    const status = await cli(['status', 'review-authentication-module', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id: 'review-authentication-module',
      state: 'completed',
      model: 'sim',
      progress: { done: 3, total: 3 },
    });
  }, 90_000);

  it('works with a plain-shell worker that follows the reference worker prompt', async () => {
    const { r, cli } = await runExample([
      '--model',
      'shellbot',
      '--step',
      'Scan the code',
      '--step',
      'Which auth should I focus on?',
      '--answer',
      'JWT',
    ]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('question #1: Which auth should I focus on?');
    expect(r.stdout).toContain('[x] Which auth should I focus on? — answer: JWT');
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { id: string; state: string }[];
    expect(status.map((t) => [t.id, t.state])).toEqual([['review-authentication-module', 'completed']]);
  }, 90_000);

  it("gives workers of the daemon it started a working $DISPATCH_BIN ask (the runtime's own), and the CLI shares that daemon", async () => {
    const { ws, r, cli } = await runExample([
      '--model',
      'askbot',
      '--step',
      'Pick the database',
      '--answer',
      'Postgres',
    ]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('question #1: Which database?');
    expect(r.stdout).toContain('[x] Pick the database — Postgres');
    const used = readFileSync(join(ws, '.dispatch/tasks/review-authentication-module/bin-used'), 'utf8').trim();
    expect(used).toBe(join(repo, 'packages/runtime/dist/bin/dispatch-runtime.js'));
    // Same sources, same build id: the CLI finds the app's daemon running and keeps it.
    const before = JSON.parse((await cli(['daemon', 'status', '--json'])).stdout) as { running: boolean; pid: number };
    expect(before.running).toBe(true);
    expect((await cli(['daemon', 'start'])).stdout).toBe('the daemon is running');
    expect(JSON.parse((await cli(['daemon', 'status', '--json'])).stdout)).toMatchObject({
      running: true,
      pid: before.pid,
    });
  }, 90_000);
});
