import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeAnswer } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);

/** Only what a shell needs: a DISPATCH_* variable of the environment running the tests must not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 30_000, interval: 20 });
const dirs: string[] = [];

/** An `ipc/` folder as a worker sees it, and `dispatch ask` run the way a worker runs it. */
function worker(env: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'dispatch-ask-'));
  dirs.push(root);
  const ipc = join(root, 'ipc');
  mkdirSync(ipc);
  const ask = (...args: string[]) =>
    execa('node', [bin, 'ask', ...args], {
      cwd: root,
      reject: false,
      extendEnv: false,
      env: { ...BASE_ENV, DISPATCH_IPC_DIR: ipc, DISPATCH_HOME: join(root, 'home'), ...env },
    });
  const file = (name: string) => join(ipc, name);
  return { ipc, ask, file };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dispatch ask (for workers)', () => {
  it('publishes the question, prints the answer once it comes and acknowledges it', async () => {
    const w = worker();
    const asking = w.ask('JWT', 'or', 'sessions?', '--timeout', '60');
    await until(() => existsSync(w.file('001.question')));
    expect(readFileSync(w.file('001.question'), 'utf8')).toBe('JWT or sessions?\n');
    expect(existsSync(w.file('001.done'))).toBe(false);
    await writeAnswer(w.ipc, 1, 'Use JWT\nwith refresh tokens');
    const r = await asking;
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([
      0,
      'Use JWT\nwith refresh tokens',
      'asked question 1; if this wait is cut short: dispatch ask --wait 1',
    ]);
    expect(existsSync(w.file('001.done'))).toBe(true);
  });

  it('says how to resume as soon as the question is out, so a wait its tool kills can be resumed', async () => {
    const w = worker();
    const asking = w.ask('Which port?', '--timeout', '60');
    let said = '';
    asking.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await until(() => said.includes('\n'));
    asking.kill('SIGKILL');
    await asking;
    expect(said).toBe('asked question 1; if this wait is cut short: dispatch ask --wait 1\n');
    const resumed = w.ask('--wait', '1', '--timeout', '60');
    await writeAnswer(w.ipc, 1, '8080');
    expect((await resumed).stdout).toBe('8080');
  });

  it('exits 3 printing only the question number when $DISPATCH_ANSWER_TIMEOUT passes; --wait N resumes', async () => {
    const w = worker({ DISPATCH_ANSWER_TIMEOUT: '1' });
    const first = await w.ask('Which database?');
    expect([first.exitCode, first.stdout]).toEqual([3, '1']);
    expect(first.stderr).toContain('dispatch ask --wait 1');
    expect(existsSync(w.file('001.done'))).toBe(false);
    // A second question gets the next number.
    const second = await w.ask('Which port?', '--timeout', '0');
    expect([second.exitCode, second.stdout]).toEqual([3, '2']);
    const resumed = w.ask('--wait', '1', '--timeout', '60');
    await writeAnswer(w.ipc, 1, 'Postgres');
    const r = await resumed;
    expect([r.exitCode, r.stdout]).toEqual([0, 'Postgres']);
    expect(existsSync(w.file('001.done'))).toBe(true);
    expect(existsSync(w.file('002.done'))).toBe(false);
  });

  it('refuses clearly: no $DISPATCH_IPC_DIR, --wait for a question never asked, no question at all', async () => {
    const w = worker();
    const outside = await execa('node', [bin, 'ask', 'hello?'], {
      reject: false,
      extendEnv: false,
      env: { ...BASE_ENV, DISPATCH_HOME: join(w.ipc, '..', 'home') },
    });
    expect([outside.exitCode, outside.stderr]).toEqual([
      2,
      'dispatch: ask is for workers: $DISPATCH_IPC_DIR is not set (dispatch sets it for the workers it starts)',
    ]);
    const never = await w.ask('--wait', '7');
    expect([never.exitCode, never.stderr]).toEqual([2, `dispatch: there is no question 7 in ${w.ipc}`]);
    const empty = await w.ask();
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/^dispatch: say the question[^\n]*$/);
    const both = await w.ask('hello?', '--wait', '1');
    expect(both.exitCode).toBe(2);
    expect(existsSync(w.file('001.question'))).toBe(false);
  });
});
