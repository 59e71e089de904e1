import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);

/** Only what a shell needs: a DISPATCH_* variable of the environment running the tests must not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 30_000, interval: 50 });
const homes: string[] = [];

/** A temp workspace with its own DISPATCH_HOME, the CLI run in it, and its tasks' files. */
function workspace() {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-answer-home-'));
  const ws = mkdtempSync(join(tmpdir(), 'dispatch-answer-ws-'));
  homes.push(home);
  const env = {
    ...BASE_ENV,
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(ws, '.dispatch'),
    DISPATCH_SIM_STEP: '0.05',
    DISPATCH_DAEMON_IDLE_MS: '3000',
    NO_COLOR: '1',
  };
  const dispatch = (args: string[], input?: string) =>
    execa('node', [bin, ...args], {
      cwd: ws,
      env,
      extendEnv: false,
      reject: false,
      ...(input !== undefined && { input }),
    });
  const file = (id: string, ...path: string[]) => join(ws, '.dispatch', 'tasks', id, ...path);
  const read = (id: string, ...path: string[]) => readFileSync(file(id, ...path), 'utf8');
  const stateIs = (id: string, state: string) =>
    until(async () => (await deriveTask(join(ws, '.dispatch'), id)).state === state);
  const run = async (id: string, ...args: string[]) => {
    const r = await dispatch(['run', '--model', 'sim', '--id', id, ...args, 'answer test']);
    expect(r.exitCode, r.stderr).toBe(0);
  };
  return { dispatch, file, read, stateIs, run };
}

afterEach(async () => {
  for (const home of homes.splice(0))
    await execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false });
});

describe('dispatch answer', () => {
  it('answers the pending question; the worker gets it and the task completes', async () => {
    const w = workspace();
    await w.run('auth', '--step', 'scan', '--step', 'pick {ask: JWT or sessions?}', '--step', 'write');
    await w.stateIs('auth', 'awaiting-answer');
    const r = await w.dispatch(['answer', 'auth', 'Use', 'JWT']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'answered #1 of auth', '']);
    await w.stateIs('auth', 'completed');
    expect(w.read('auth', 'ipc', '001.answer')).toBe('Use JWT');
    expect(existsSync(w.file('auth', 'ipc', '001.done'))).toBe(true);
    expect(w.read('auth', 'plan.md')).toContain('- [x] pick — answered: Use JWT');
    // Nothing is left to answer: refused, with the reason.
    const again = await w.dispatch(['answer', 'auth', 'sessions']);
    expect([again.exitCode, again.stderr]).toEqual([
      2,
      'dispatch: question 1 of auth is already answered (it is completed)',
    ]);
  });

  it('--question N answers only when question N is the one waiting', async () => {
    const w = workspace();
    await w.run('two', '--step', 'pick {ask: JWT or sessions?}', '--step', 'store {ask: Which database?}');
    await w.stateIs('two', 'awaiting-answer');
    expect((await w.dispatch(['answer', 'two', '--question', '1', 'JWT'])).exitCode).toBe(0);
    await until(() => existsSync(w.file('two', 'ipc', '002.question')));
    // Meant for #1, which someone answered already: refused, #2 left for its own answer.
    const stale = await w.dispatch(['answer', 'two', '--question', '1', 'sessions']);
    expect([stale.exitCode, stale.stderr]).toEqual([
      2,
      'dispatch: question 1 of two is not waiting for an answer (question 2 is waiting): nothing was answered',
    ]);
    expect(existsSync(w.file('two', 'ipc', '002.answer'))).toBe(false);
    expect((await w.dispatch(['answer', 'two', '--question', 'x', 'y'])).exitCode).toBe(2);
    expect((await w.dispatch(['answer', 'two', '--question', '2', 'Postgres'])).stdout).toBe('answered #2 of two');
    await w.stateIs('two', 'completed');
  });

  it('two racing answers: exactly one wins, the other exits 2 saying it is already answered', async () => {
    const w = workspace();
    await w.run('race', '--step', 'pick {ask: JWT or sessions?}');
    await w.stateIs('race', 'awaiting-answer');
    const [a, b] = await Promise.all([
      w.dispatch(['answer', 'race', 'JWT']),
      w.dispatch(['answer', 'race', 'sessions']),
    ]);
    expect([a.exitCode, b.exitCode].sort()).toEqual([0, 2]);
    const [winner, loser] =
      a.exitCode === 0
        ? ([
            ['JWT', a],
            ['sessions', b],
          ] as const)
        : ([
            ['sessions', b],
            ['JWT', a],
          ] as const);
    expect(winner[1].stdout).toBe('answered #1 of race');
    expect(loser[1].stderr).toMatch(/^dispatch: question 1 of race is already answered( \(it is [a-z-]+\))?$/);
    expect(w.read('race', 'ipc', '001.answer')).toBe(winner[0]);
    await w.stateIs('race', 'completed');
    expect(w.read('race', 'plan.md')).toContain(`answered: ${winner[0]}`);
  });

  it('a late answer (read from stdin) continues a blocked task; the new worker acknowledges it', async () => {
    const w = workspace();
    await w.run(
      'late',
      '--answer-timeout',
      '1',
      '--step',
      'scan',
      '--step',
      'pick {ask: Which database?}',
      '--step',
      'write',
    );
    await w.stateIs('late', 'blocked');
    expect(w.read('late', 'plan.md')).toContain('- [?] pick');
    expect(w.read('late', 'context.md')).toContain('Which database?');
    expect(existsSync(w.file('late', 'ipc', '001.done'))).toBe(false);
    const r = await w.dispatch(['answer', 'late'], 'Postgres\n');
    expect([r.exitCode, r.stdout]).toEqual([0, 'answered #1 of late']);
    await w.stateIs('late', 'completed');
    expect(w.read('late', 'ipc', '001.answer')).toBe('Postgres');
    expect(existsSync(w.file('late', 'ipc', '001.done'))).toBe(true);
    expect(existsSync(w.file('late', 'attempts', '2.json'))).toBe(true);
    expect(w.read('late', 'plan.md')).toContain('- [x] pick — answered: Postgres');
  });

  it('answers a [?] item that has no question file with a continue, the answer as a plan note', async () => {
    const w = workspace();
    await w.run('blocked', '--step', 'scan', '--step', 'pick {block: Which database?}', '--step', 'write');
    await w.stateIs('blocked', 'blocked');
    const r = await w.dispatch(['answer', 'blocked', '-'], 'MySQL');
    expect([r.exitCode, r.stdout]).toEqual([0, 'answered the blocked item of blocked; continuing']);
    // Once answer returns, the block it answered is not news any more (a host would answer it twice).
    const right = await w.dispatch(['status', 'blocked', '--json']);
    expect(JSON.parse(right.stdout).state).not.toBe('blocked');
    await w.stateIs('blocked', 'completed');
    expect(w.read('blocked', 'plan.md')).toContain('> **Note from dispatcher:** Answer for the blocked item: MySQL');
    const none = await w.dispatch(['answer', 'blocked', 'again']);
    expect([none.exitCode, none.stderr]).toEqual([
      2,
      'dispatch: task blocked has no question to answer (it is completed)',
    ]);
  });
});
