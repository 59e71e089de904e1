import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '@dispatch/backends';
import { readExitRecord, readPidRecord, taskPaths } from '@dispatch/ipc-fs';
import { bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

// Security (issue 15, finding 2): `attempts/N.pid` is written by the wrapper in the task folder,
// so whoever can write there can name any process in it. `cancel` must signal only the group
// dispatch can prove is the attempt's: never a forged one, never `kill(-1)`, and still the worker.
cleanUpWorkspaces();

/** Replaces the pid record as an attacker would (atomically, so the daemon never reads half). */
function forgePidRecord(attemptsDir: string, pid: number, startTime: string): void {
  const tmp = join(attemptsDir, '.forged.tmp');
  writeFileSync(tmp, `${pid} ${startTime}\n`);
  renameSync(tmp, join(attemptsDir, '1.pid'));
}

describe('a forged pid record steers no signal', () => {
  it("cancel leaves an unrelated process group alone and still stops the task's worker", async () => {
    const w = e2eWorkspace('forged-pid');
    await w.start('t', 'forever {hang}');
    const paths = taskPaths(w.dispatchDir, 't');
    const worker = await until(() => readPidRecord(paths.attempts, 1));
    await until(async () => (await w.state('t')) === 'running');
    // Someone else's process, leading a group of its own (as the worker does).
    const bystander = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const pid = bystander.pid!;
    await until(() => processStartTime(pid));
    try {
      forgePidRecord(paths.attempts, pid, processStartTime(pid)!);
      const cancel = await w.dispatch(['cancel', 't']);
      expect(cancel.exitCode, cancel.stderr).toBe(0);
      const exit = await until(() => readExitRecord(paths.attempts, 1));
      expect(exit.signal).toBe('SIGTERM'); // the real worker got the cancel's signal
      expect(processStartTime(worker.pid)).toBeNull();
      expect(await w.state('t')).toBe('cancelled');
      expect(processStartTime(pid)).not.toBeNull(); // the bystander was never signalled
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('a record naming pid 1 never becomes kill(-1): run in a pid namespace, a bystander survives', async () => {
    // Inside `unshare --pid`, this script is pid 1: a kill(-1) from the daemon would end every
    // process of the namespace but init and the daemon, and nothing outside it.
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-pidns-'));
    const script = join(dir, 'inside.mjs');
    writeFileSync(
      script,
      String.raw`
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
const [bin, home, ws] = process.argv.slice(2);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DISPATCH_HOME: home, DISPATCH_DIR: ws + '/.dispatch', DISPATCH_SIM_STEP: '0.05', DISPATCH_DAEMON_IDLE_MS: '3000' };
const dispatch = (...args) => execFileSync(process.execPath, [bin, ...args], { cwd: ws, env, encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (probe) => { for (let i = 0; i < 400; i++) { const v = probe(); if (v) return v; await sleep(25); } throw new Error('timed out'); };
const bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
dispatch('run', '--model', 'sim', '--id', 't', '--step', 'forever {hang}', 'x');
const attempts = ws + '/.dispatch/tasks/t/attempts';
await until(() => existsSync(attempts + '/1.pid'));
await until(() => readFileSync(ws + '/.dispatch/tasks/t/events.jsonl', 'utf8').includes('worker.started'));
const initStart = readFileSync('/proc/1/stat', 'utf8').split(') ')[1].split(' ')[19];
writeFileSync(attempts + '/.forged.tmp', '1 ' + initStart + '\n');
renameSync(attempts + '/.forged.tmp', attempts + '/1.pid');
let cancelled = true;
try { dispatch('cancel', 't'); } catch { cancelled = false; }
// On a wrong signal the wrapper dies too, and no exit record comes: report what was seen.
await until(() => existsSync(attempts + '/1.exit')).catch(() => undefined);
const exit = existsSync(attempts + '/1.exit') ? JSON.parse(readFileSync(attempts + '/1.exit', 'utf8')) : null;
const alive = (pid) => { try { process.kill(pid, 0); return readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1][0] !== 'Z'; } catch { return false; } };
console.log(JSON.stringify({ cancelled, bystanderAlive: alive(bystander.pid), exit }));
process.exit(0);
`,
    );
    const home = mkdtempSync(join(tmpdir(), 'dispatch-pidns-home-'));
    const ws = mkdtempSync(join(tmpdir(), 'dispatch-pidns-ws-'));
    const out = execFileSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, script, bin, home, ws], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(out.trim().split('\n').pop()!) as {
      cancelled: boolean;
      bystanderAlive: boolean;
      exit: { signal: string | null };
    };
    expect(report).toEqual({
      cancelled: true,
      bystanderAlive: true,
      exit: expect.objectContaining({ signal: 'SIGTERM' }),
    });
  }, 90_000);
});
