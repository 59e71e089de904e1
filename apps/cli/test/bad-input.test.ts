import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);

/** Only what a shell needs: a DISPATCH_* variable of the environment running the tests must not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const homes: string[] = [];

afterEach(async () => {
  for (const home of homes.splice(0))
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

function workspace() {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-bad-home-'));
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-bad-ws-'));
  homes.push(home);
  const env = {
    ...BASE_ENV,
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(ws, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    NO_COLOR: '1',
  };
  const dispatch = (args: string[]) => execa('node', [bin, ...args], { cwd: ws, env, extendEnv: false, reject: false });
  return { ws, dispatchDir: join(ws, '.dispatch'), dispatch };
}

/** A task folder made by hand (as if copied from another clone): task.json and plan.md, never registered. */
function copyInTask(dispatchDir: string, id: string): string {
  const dir = join(dispatchDir, 'tasks', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'task.json'),
    JSON.stringify({ id, model: 'sim', backend: 'sim', createdAt: new Date().toISOString() }),
  );
  writeFileSync(join(dir, 'plan.md'), `# ${id}\n\n- [ ] scan\n- [ ] pick {ask: JWT?}\n`);
  return dir;
}

/** Every path under `dir` with its size and modification time: any write shows. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((p) => {
      const st = statSync(join(dir, p));
      return `${p} ${st.size} ${st.mtimeMs}`;
    });
}

const BAD_IDS = ['../x', 'A B', '', 'a'.repeat(200)];
/** Every command that names a task, with the id in its place. */
const WITH_ID = (id: string): string[][] => [
  ['answer', id, 'JWT'],
  ['cancel', id],
  ['note', id, 'a note'],
  ['continue', id, '--answer', 'JWT'],
  ['retry', id],
  ['clean', id],
  ['run', '--model', 'sim', '--id', id, 'a prompt'],
];
const CASES: string[][] = [
  ...BAD_IDS.flatMap(WITH_ID),
  ...WITH_ID('no-such-task').slice(0, 6),
  ['answer', 'copied', 'JWT'], // copied in, never registered: dispatch does not run it
  ['cancel', 'copied'],
  ['answer', 'copied', 'JWT', '--bogus'],
  ['cancel', 'copied', '--bogus'],
  ['clean', '--bogus'],
  ['ask', '--bogus'],
  ['retry', 'copied', '--model'],
  ['run', '--model', 'sim', '--plan', 'nope.md'],
  ['stauts'],
];

describe('bad input: exit 2, one line on stderr, nothing written', () => {
  it.each([
    ['an empty workspace', false],
    ['a workspace with a task', true],
  ])('in %s', async (_name, withTask) => {
    const w = workspace();
    if (withTask) copyInTask(w.dispatchDir, 'copied');
    const before = tree(w.dispatchDir);
    const results = await Promise.all(CASES.map(async (args) => ({ args, r: await w.dispatch(args) })));
    // Every case that breaks the rule, each shown with its command line and output.
    const broken = results
      .filter(({ r }) => r.exitCode !== 2 || r.stdout !== '' || !/^dispatch: [^\n]+$/.test(r.stderr))
      .map(
        ({ args, r }) =>
          `dispatch ${args.map((a) => JSON.stringify(a)).join(' ')} → ${r.exitCode}: ${JSON.stringify(r.stdout + r.stderr)}`,
      );
    expect(broken).toEqual([]);
    expect(tree(w.dispatchDir)).toEqual(before);
    expect(existsSync(w.dispatchDir)).toBe(withTask);
  });

  it("a short prompt that reads like another tool's command starts no worker: exit 2 naming the command meant (issue 16)", async () => {
    const w = workspace();
    // A default model that would run: before, `dispatch ls` started a worker on "ls".
    const home = homes.at(-1)!;
    writeFileSync(
      join(home, 'config.yaml'),
      'default: opus\nbackends:\n  shell: { command: "sh -c true" }\nmodels:\n  opus: { backend: shell }\n',
    );
    for (const [args, meant] of [
      [['ls'], 'dispatch status'],
      [['kill', 'api-tests'], 'dispatch cancel api-tests'],
      [['show', 'api-tests'], 'dispatch status api-tests'],
      [['log', 'review-auth-module-2'], 'dispatch logs review-auth-module-2'],
    ] as const) {
      const r = await w.dispatch([...args]);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^dispatch: [^\n]+$/);
      expect(r.stderr).toContain(`did you mean ${meant}?`);
    }
    expect(existsSync(w.dispatchDir)).toBe(false);
    // `run` stays the explicit way to send such words to a worker.
    const explicit = await w.dispatch(['run', 'ls']);
    expect(explicit.exitCode, explicit.stderr).toBe(0);
  });

  it('a task folder copied in from elsewhere is never started, while a registered one runs to completion', async () => {
    const w = workspace();
    const copied = copyInTask(w.dispatchDir, 'copied');
    const r = await w.dispatch([
      'run',
      '--model',
      'sim',
      '--id',
      'real',
      '--step',
      'scan',
      '--step',
      'write',
      'a real task',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    await vi.waitUntil(async () => (await deriveTask(w.dispatchDir, 'real')).state === 'completed', {
      timeout: 30_000,
      interval: 50,
    });
    expect(existsSync(join(copied, 'attempts', '1.json'))).toBe(false);
    expect(existsSync(join(copied, 'events.jsonl'))).toBe(false);
    expect(readFileSync(join(copied, 'plan.md'), 'utf8')).toBe('# copied\n\n- [ ] scan\n- [ ] pick {ask: JWT?}\n');
  });
});
