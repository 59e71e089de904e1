import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listIpc, readPidRecord, taskPaths } from '@dispatch/ipc-fs';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** The command names (comm) of the live processes in process group `pgid`. */
function groupCommands(pgid: number): string[] {
  const names: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      // fields[0] is the state, fields[2] the process group.
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid)
        names.push(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      // gone meanwhile
    }
  }
  return names;
}

describe('the sim worker (a test double) waiting for an answer', () => {
  it('naps without starting a process, so hundreds of waiting sim workers do not load the machine', async () => {
    const w = e2eWorkspace('sim-waits');
    await w.start('w', 'pick one {ask: which colour?}');
    const paths = taskPaths(w.dispatchDir, 'w');
    await until(async () => (await listIpc(paths.ipc)).questions.length === 1);
    const worker = await until(() => readPidRecord(paths.attempts, 1));

    // Polling with `sleep 0.1` keeps a sleep in the worker's group nearly all the time: sample
    // 1.5 s of the wait (every 10 ms) and expect to see none.
    const seen = new Set<string>();
    for (let i = 0; i < 150; i++) {
      for (const name of groupCommands(worker.pid)) seen.add(name);
      await new Promise((r) => setTimeout(r, 10));
    }
    // The group: the shell running the worker command (sh -c), and the worker, which re-ran itself in bash.
    expect([...seen].sort()).toEqual(['bash', 'sh']);

    const r = await w.dispatch(['answer', 'w', 'blue']);
    expect(r.exitCode, r.stderr).toBe(0);
    await until(async () => (await w.state('w')) === 'completed');
  });
});
