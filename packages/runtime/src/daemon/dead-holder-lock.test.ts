import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '@dispatch/backends';
import { daemonFiles, writeDaemonInfo } from '@dispatch/ipc-fs';
import { lockIdentity, takeDeadHoldersLock } from './dead-holder-lock.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A home whose lock folder is held, as `daemon.json` says, by `holder` (its lock: as it is now, or `lock`). */
async function homeHeldBy(holder: { pid: number; startTime: string }, lock?: string): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-lock-'));
  homes.push(home);
  mkdirSync(daemonFiles(home).lock);
  await writeDaemonInfo(home, {
    ...holder,
    version: 'test',
    startedAt: new Date().toISOString(),
    host: hostname(),
    lock: lock ?? lockIdentity(home)!,
  });
  return home;
}

/** A process that ran and is gone: its pid and start time name no live process now. */
async function goneProcess(): Promise<{ pid: number; startTime: string }> {
  const child = spawn('sleep', ['30']);
  const startTime = processStartTime(child.pid!)!;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return { pid: child.pid!, startTime };
}

describe('takeDeadHoldersLock', () => {
  it.runIf(process.platform === 'linux')(
    'removes the lock a holder gone from this machine names as its own',
    async () => {
      const home = await homeHeldBy(await goneProcess());
      expect(await takeDeadHoldersLock(home)).toBe(true);
      expect(existsSync(daemonFiles(home).lock)).toBe(false);
    },
  );

  it('leaves the lock of a live holder', async () => {
    const home = await homeHeldBy({ pid: process.pid, startTime: processStartTime(process.pid)! });
    expect(await takeDeadHoldersLock(home)).toBe(false);
    expect(existsSync(daemonFiles(home).lock)).toBe(true);
  });

  it('leaves a lock the dead holder does not name (a newer daemon, starting, made it)', async () => {
    const home = await homeHeldBy(await goneProcess(), '1:1');
    expect(await takeDeadHoldersLock(home)).toBe(false);
    expect(existsSync(daemonFiles(home).lock)).toBe(true);
  });
});
