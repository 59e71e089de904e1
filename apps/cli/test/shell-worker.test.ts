import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listIpc, readPlan } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);
const until = <T>(probe: () => T | Promise<T>) => vi.waitUntil(probe, { timeout: 30_000, interval: 50 });
const worker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'dispatch-shell-home-'));
afterAll(() => execa('node', [bin, 'daemon', 'stop'], { env: { DISPATCH_HOME: home }, reject: false }));

describe('a plain shell worker configured as a custom backend command', () => {
  it('follows the worker prompt alone: run → question → answer → completion', async () => {
    writeFileSync(
      join(home, 'config.yaml'),
      `default: shellbot\nbackends:\n  shell: { command: "sh ${worker}" }\nmodels:\n  shellbot: { backend: shell }\n`,
    );
    const ws = mkdtempSync(join(tmpdir(), 'dispatch-shell-ws-'));
    const env = { DISPATCH_HOME: home, DISPATCH_DIR: join(ws, '.dispatch'), DISPATCH_DAEMON_IDLE_MS: '3000' };
    const run = await execa(
      'node',
      [
        bin,
        'run',
        '--id',
        'review',
        '--step',
        'Scan the code',
        '--step',
        'Which auth should I focus on?',
        '--step',
        'Write the findings',
        'review the auth module',
      ],
      { cwd: ws, env, reject: false },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/using shellbot \(default\)/);
    const ipc = join(ws, '.dispatch/tasks/review/ipc');
    await until(async () => (await listIpc(ipc)).questions.includes(1));
    const answer = await execa('node', [bin, 'answer', 'review', 'JWT'], { cwd: ws, env, reject: false });
    expect(answer.exitCode, answer.stderr).toBe(0);
    await until(async () => (await deriveTask(join(ws, '.dispatch'), 'review')).state === 'completed');
    const plan = await readPlan(join(ws, '.dispatch/tasks/review/plan.md'));
    expect(plan?.items.map((i) => [i.mark, i.note])).toEqual([
      ['done', 'done'],
      ['done', 'answer: JWT'],
      ['done', 'done'],
    ]);
    expect((await listIpc(ipc)).acks.has(1)).toBe(true);
  });
});
