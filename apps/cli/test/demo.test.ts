import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay, stateOf } from '@dispatch/core';
import { assertFreshBuild, bin } from './built-binary.js';
import { readEventLog, readPlan, toMachineEvents, listIpc } from '@dispatch/ipc-fs';
import { deriveTask } from '@dispatch/runtime';

beforeAll(assertFreshBuild);

describe('dispatch demo (the built binary, the real sim worker process)', () => {
  it('runs one task to completion through the protocol on disk, and its log replays to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-demo-test-'));
    const r = await execa('node', [bin, 'demo', '--json', '--dir', dir, '--step', '0.05'], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { id: string; state: string; taskDir: string; events: number };
    expect(out).toMatchObject({
      id: 'security-review',
      state: 'completed',
      taskDir: join(dir, '.dispatch', 'tasks', 'security-review'),
    });

    const taskDir = out.taskDir;
    const { events, torn, skipped } = await readEventLog(join(taskDir, 'events.jsonl'));
    expect({ torn, skipped, count: events.length }).toEqual({ torn: false, skipped: 0, count: out.events });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const entered = events.filter((e) => e.type === 'state.entered').map((e) => e.state);
    expect(entered).toEqual(['starting', 'running', 'awaiting-answer', 'running', 'completed']);
    expect(events.filter((e) => e.type === 'question.asked')).toEqual([
      expect.objectContaining({
        question: { seq: 1, text: 'Found both JWT and session-based auth. Which should I focus on?' },
      }),
    ]);
    expect(stateOf(replay(toMachineEvents(events)))).toBe('completed');
    expect((await deriveTask(join(dir, '.dispatch'), 'security-review')).unrecorded).toEqual([]);

    const plan = await readPlan(join(taskDir, 'plan.md'));
    expect(plan?.items.map((i) => i.mark)).toEqual(['done', 'done', 'done', 'done']);
    expect(plan?.items[1]?.note).toBe('answered: Focus on JWT: session-based auth is deprecated.');
    const ipc = await listIpc(join(taskDir, 'ipc'));
    expect(ipc).toMatchObject({ questions: [1], workerDone: true });
    expect(ipc.acks.has(1)).toBe(true);
    expect(readFileSync(join(taskDir, 'attempts', '1.exit'), 'utf8')).toMatch(/"code":0/);
  });

  it('tells the story on stderr without colour when piped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-demo-test-'));
    const r = await execa('node', [bin, 'demo', '--dir', dir, '--step', '0.05'], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/running → awaiting-answer/);
    expect(r.stderr).toMatch(/worker asks #1: Found both JWT/);
    expect(r.stderr).toMatch(/running → completed/);
    expect(r.stderr).not.toContain('\u001b[');
  });
});
