import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSameProcess } from '@dispatch/backends';
import { listIpc, readEventLog, readPlan, writeAnswer } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { loggedState } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
const home = mkdtempSync(join(tmpdir(), 'dispatch-kills-home-'));
const env = {
  DISPATCH_HOME: home,
  DISPATCH_SIM_STEP: '0.1',
  DISPATCH_DAEMON_IDLE_MS: '3000',
  DISPATCH_PID_WAIT_MS: '500',
};
afterAll(() => execa('node', [bin, 'daemon', 'stop'], { env, reject: false }));

function daemon(): { pid: number; startTime: string } | null {
  try {
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; startTime: string };
    return isSameProcess(info.pid, info.startTime) ? info : null;
  } catch {
    return null;
  }
}

describe('the daemon killed with -9 at random moments while tasks ask questions', () => {
  it('loses nothing: every question answered once and acknowledged, every attempt started once, logs replay to the end', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'dispatch-kills-ws-'));
    const ids = ['k1', 'k2', 'k3'];
    for (const id of ids) {
      const steps = ['a {ask: first?}', 'b', 'c {ask: second?}', 'd'];
      const r = await execa(
        'node',
        [bin, 'run', '--model', 'sim', '--id', id, ...steps.flatMap((s) => ['--step', s]), id],
        { cwd: ws, env: { ...env, DISPATCH_DIR: join(ws, '.dispatch') }, reject: false },
      );
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const answerAll = async () => {
      for (const id of ids) {
        const ipc = join(ws, '.dispatch/tasks', id, 'ipc');
        const listing = await listIpc(ipc);
        for (const seq of listing.questions)
          if (!listing.answers.has(seq)) await writeAnswer(ipc, seq, `${id} answer ${seq}`).catch(() => undefined);
      }
    };
    const logState = (id: string) => loggedState(join(ws, '.dispatch/tasks', id, 'events.jsonl'));
    // Kill the daemon every 0.5-1.5 s and bring it back, while a scripted user answers.
    const end = Date.now() + 12_000;
    let kills = 0;
    while (Date.now() < end) {
      await answerAll();
      const d = daemon();
      if (d) {
        process.kill(d.pid, 'SIGKILL');
        kills++;
      }
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
      await execa('node', [bin, 'daemon', 'start'], {
        cwd: ws,
        env: { ...env, DISPATCH_DIR: join(ws, '.dispatch') },
        reject: false,
      });
    }
    expect(kills).toBeGreaterThan(2);
    await vi.waitUntil(
      async () => {
        await answerAll();
        if (!daemon())
          await execa('node', [bin, 'daemon', 'start'], {
            cwd: ws,
            env: { ...env, DISPATCH_DIR: join(ws, '.dispatch') },
            reject: false,
          });
        return (await Promise.all(ids.map(logState))).every((s) => s === 'completed');
      },
      { timeout: 60_000, interval: 200 },
    );
    for (const id of ids) {
      const dir = join(ws, '.dispatch/tasks', id);
      const log = (await readEventLog(join(dir, 'events.jsonl'))).events;
      expect(readdirSync(join(dir, 'attempts')).filter((n) => n.endsWith('.json'))).toEqual(['1.json']);
      // Started exactly once: one claim. (A worker that ended while no daemon ran is recorded by
      // its exit alone: its start was never seen, and need not be.)
      expect(log.filter((e) => e.type === 'worker.started').length).toBeLessThanOrEqual(1);
      expect(log.filter((e) => e.type === 'worker.exited')).toHaveLength(1);
      expect(log.filter((e) => e.type === 'question.asked').map((e) => (e.question as { seq: number }).seq)).toEqual([
        1, 2,
      ]);
      expect(log.filter((e) => e.type === 'question.answered').map((e) => (e.question as { seq: number }).seq)).toEqual(
        [1, 2],
      );
      const ipc = await listIpc(join(dir, 'ipc'));
      expect([...ipc.acks].sort()).toEqual([1, 2]);
      expect((await readPlan(join(dir, 'plan.md')))?.items.map((i) => i.note)).toEqual([
        `answered: ${id} answer 1`,
        'done by the sim worker',
        `answered: ${id} answer 2`,
        'done by the sim worker',
      ]);
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    }
  });
});
