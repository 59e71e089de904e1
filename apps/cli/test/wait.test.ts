import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskPaths, writeAnswer, writeRequest } from '@dispatch/ipc-fs';
import { followTask } from '../src/commands/follow.js';
import { createMemoryIo } from '../src/memory-io.js';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until, type E2eWorkspace } from './e2e-workspace.js';
import { documentedSchema, schemaErrors } from './wait-schema.js';

beforeAll(assertFreshBuild);

cleanUpWorkspaces();
const newWorkspace = () => e2eWorkspace('wait');

const schema = documentedSchema();
const seenTypes = new Set<string>();

/** `dispatch wait --json ARGS`: exit 0, one line, valid by the documented schema. */
async function waitJson(ws: E2eWorkspace, ...args: string[]) {
  const r = await ws.dispatch(['wait', '--json', ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout.split('\n')).toHaveLength(1);
  const line = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(schemaErrors(line, schema), r.stdout).toEqual([]);
  seenTypes.add(String(line.type));
  return line;
}

describe('dispatch wait', () => {
  it('the documented schema is read and refuses a line that drifts from it', () => {
    expect([...schema.types.keys()]).toEqual(['question', 'blocked', 'failed', 'completed', 'cancelled']);
    expect([...schema.common.keys()]).toEqual(['v', 'type', 'id', 'state', 'progress', 'output']);
    const good = {
      v: 1,
      type: 'question',
      id: 'a',
      state: 'awaiting-answer',
      progress: { done: 0, total: 1 },
      output: null,
      seq: 1,
      text: 'Q?',
    };
    expect(schemaErrors(good, schema)).toEqual([]);
    expect(schemaErrors({ ...good, seq: '1' }, schema)).toEqual(['seq is not number']);
    expect(schemaErrors({ ...good, extra: 1 }, schema)).toEqual(['undocumented field extra']);
    expect(schemaErrors({ ...good, state: 'running' }, schema)).toHaveLength(1);
  });

  it('reports an already-pending question at once, as JSON and as one human line', async () => {
    const ws = newWorkspace();
    await ws.start('security-review', 'Scan', 'Review auth {ask: JWT or sessions?}', 'Write up');
    await until(() => ws.state('security-review').then((s) => s === 'awaiting-answer'));
    const line = await waitJson(ws, 'security-review');
    expect(line).toMatchObject({
      type: 'question',
      id: 'security-review',
      state: 'awaiting-answer',
      seq: 1,
      text: 'JWT or sessions?',
      progress: { done: 1, total: 3 },
      output: null,
    });
    expect(await waitJson(ws)).toEqual(line); // no ids: every unfinished task
    const human = await ws.dispatch(['wait', 'security-review']);
    expect([human.exitCode, human.stdout]).toEqual([0, 'security-review asks #1: JWT or sessions?']);
  });

  it('reports a completion, with output.md when the worker wrote one', async () => {
    const ws = newWorkspace();
    await ws.start('quick', 'One', 'Two {sleep: 0.5}');
    const line = await waitJson(ws, 'quick');
    expect(line).toMatchObject({
      type: 'completed',
      id: 'quick',
      state: 'completed',
      progress: { done: 2, total: 2 },
      output: null,
    });
    writeFileSync(taskPaths(ws.dispatchDir, 'quick').output, '# Findings\n');
    expect(await waitJson(ws, 'quick')).toMatchObject({
      type: 'completed',
      output: taskPaths(ws.dispatchDir, 'quick').output,
    });
  });

  it('reports a failure with its kind, and as alternatives the configured models whose CLI is installed', async () => {
    const ws = newWorkspace();
    await ws.start('broken', 'Fine', 'Break {fail: the database is down}');
    expect(await waitJson(ws, 'broken')).toMatchObject({
      type: 'failed',
      state: 'failed',
      kind: 'plan-error',
      alternatives: [],
      progress: { done: 1, total: 2 },
    });
    writeFileSync(
      join(ws.home, 'config.yaml'),
      'default: opus\nbackends:\n  local:\n    command: sh -c true\n  gone:\n    command: no-such-cli-of-dispatch-tests -p\nmodels:\n  haiku:\n    backend: gone\n  sonnet:\n    backend: local\n  opus:\n    backend: local\n',
    );
    expect((await waitJson(ws, 'broken')).alternatives).toEqual(['opus', 'sonnet']);
    expect((await ws.dispatch(['wait', 'broken'])).stdout).toBe(
      'broken: plan-error — Break: the database is down. Fix the cause, then: dispatch retry broken',
    );
  });

  it('reports a block, with the question the worker wrote into the plan', async () => {
    const ws = newWorkspace();
    await ws.start('stuck', 'Look {block: Which database?}');
    expect(await waitJson(ws, 'stuck')).toMatchObject({
      type: 'blocked',
      state: 'blocked',
      seq: null,
      text: 'Which database?',
    });
  });

  it('exits 124 when nothing happens before --timeout; a cancel is then reported', async () => {
    const ws = newWorkspace();
    await ws.start('forever', 'Hang {hang}');
    await until(() => ws.state('forever').then((s) => s === 'running'));
    const r = await ws.dispatch(['wait', 'forever', '--json', '--timeout', '1']);
    expect([r.exitCode, r.stdout]).toEqual([124, '']);
    expect(r.stderr).toMatch(/^dispatch: nothing happened within 1 s$/);
    await writeRequest(taskPaths(ws.dispatchDir, 'forever').requests, { type: 'cancel' });
    expect(await waitJson(ws, 'forever')).toMatchObject({ type: 'cancelled', state: 'cancelled' });
  });

  it('bad input exits 2 with one line; nothing unfinished exits 1', async () => {
    const ws = newWorkspace();
    for (const args of [
      ['wait', 'nope'],
      ['wait', '../x'],
      ['wait', '--timeout', 'soon'],
    ]) {
      const r = await ws.dispatch(args);
      expect([r.exitCode, r.stdout, r.stderr.split('\n').length], args.join(' ')).toEqual([2, '', 1]);
    }
    const r = await ws.dispatch(['wait']);
    expect([r.exitCode, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^dispatch: nothing to wait for/);
  });

  it('--exit-status: 0 completed, 1 failed or cancelled, 3 a question or block; without it, 0 for all', async () => {
    const ws = newWorkspace();
    await ws.start('done', 'Write');
    await ws.start('broke', 'Break {fail: no network}');
    await ws.start('asks', 'Pick {ask: Which port?}');
    await ws.start('stuck', 'Look {block: Which database?}');
    await ws.start('stopped', 'Hang {hang}');
    await until(() => ws.state('stopped').then((s) => s === 'running'));
    await writeRequest(taskPaths(ws.dispatchDir, 'stopped').requests, { type: 'cancel' });
    const codes: Record<string, [number | undefined, number | undefined]> = {};
    for (const id of ['done', 'broke', 'asks', 'stuck', 'stopped']) {
      const checked = await ws.dispatch(['wait', id, '--exit-status', '--json']);
      const type = String((JSON.parse(checked.stdout) as { type: string }).type);
      codes[type] = [checked.exitCode, (await ws.dispatch(['wait', id])).exitCode];
    }
    expect(codes).toEqual({ completed: [0, 0], failed: [1, 0], cancelled: [1, 0], question: [3, 0], blocked: [3, 0] });
    await writeRequest(taskPaths(ws.dispatchDir, 'asks').requests, { type: 'cancel' });
  });

  it('every documented type was printed by the runs above', () => {
    expect([...seenTypes].sort()).toEqual([...schema.types.keys()].sort());
  });
});

describe('followTask (what run --wait calls)', () => {
  const context = (ws: E2eWorkspace) => {
    const io = createMemoryIo({ env: ws.env, cwd: ws.dir });
    return { io, ctx: { args: {}, options: {}, io, command: new Command(), program: new Command() } };
  };

  it('without a terminal reports the question and waits; an answer from elsewhere lets it complete (0)', async () => {
    const ws = newWorkspace();
    await ws.start('asker', 'Ask {ask: JWT or sessions?}', 'Finish');
    const { io, ctx } = context(ws);
    const followed = followTask(ctx, ws.dispatchDir, 'asker');
    await until(() => io.stderr.join('').includes('asker asks #1: JWT or sessions?'));
    expect(io.stderr.join('')).toContain('dispatch answer asker');
    await writeAnswer(taskPaths(ws.dispatchDir, 'asker').ipc, 1, 'JWT');
    expect(await followed).toBe(0);
    expect(io.stderr.join('')).toMatch(/asker: completed\nasker completed \(2\/2\)\n$/);
    expect(io.stdout).toEqual([]);
  });

  it('asks through the terminal prompt and publishes the answer', async () => {
    const ws = newWorkspace();
    await ws.start('prompted', 'Ask {ask: Which port?}');
    const { ctx } = context(ws);
    const asked: string[] = [];
    const code = await followTask(ctx, ws.dispatchDir, 'prompted', { ask: async (q) => (asked.push(q.text), '8080') });
    expect([code, asked]).toEqual([0, ['Which port?']]);
    expect(readFileSync(join(taskPaths(ws.dispatchDir, 'prompted').ipc, '001.answer'), 'utf8')).toBe('8080');
  });

  it('returns 1 when the task fails', async () => {
    const ws = newWorkspace();
    await ws.start('doomed', 'Break {fail: no network}');
    const { io, ctx } = context(ws);
    expect(await followTask(ctx, ws.dispatchDir, 'doomed')).toBe(1);
    expect(io.stderr.join('')).toContain('doomed: plan-error — ');
  });
});
