import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskPaths, writeRequest, type TaskView } from '@dispatch/ipc-fs';
import { createStyle } from '../src/style.js';
import { formatAge, progressBar, renderStatusTable } from '../src/view/status-table.js';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);

cleanUpWorkspaces();
const newWorkspace = () => e2eWorkspace('status');

const CONTRACT_FIELDS = [
  'id',
  'state',
  'model',
  'backend',
  'progress',
  'items',
  'question',
  'error',
  'createdAt',
  'updatedAt',
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('dispatch status --json', () => {
  it('a finished task: the contract fields, as one object for status ID and in the array', async () => {
    const ws = newWorkspace();
    await ws.start('done-task', 'First', 'Second');
    await until(() => ws.state('done-task').then((s) => s === 'completed'));
    const one = await ws.dispatch(['status', 'done-task', '--json']);
    expect([one.exitCode, one.stderr]).toEqual([0, '']);
    const view = JSON.parse(one.stdout) as Record<string, unknown>;
    expect(Object.keys(view)).toEqual(expect.arrayContaining(CONTRACT_FIELDS));
    expect(view).toMatchObject({
      id: 'done-task',
      state: 'completed',
      model: 'sim',
      backend: 'sim',
      progress: { done: 2, total: 2 },
      question: null,
      error: null,
      items: [
        { text: 'First', mark: 'done', note: expect.any(String) },
        { text: 'Second', mark: 'done', note: expect.any(String) },
      ],
    });
    expect([view.createdAt, view.updatedAt]).toEqual([expect.stringMatching(ISO), expect.stringMatching(ISO)]);
    const all = await ws.dispatch(['status', '--json']);
    expect(JSON.parse(all.stdout)).toEqual([view]);
  });

  it('a task with a pending question: state awaiting-answer, question {seq, text}', async () => {
    const ws = newWorkspace();
    await ws.start('asker', 'Look', 'Decide {ask: JWT or sessions?}');
    await until(() => ws.state('asker').then((s) => s === 'awaiting-answer'));
    const view = JSON.parse((await ws.dispatch(['status', 'asker', '--json'])).stdout) as TaskView;
    expect(view).toMatchObject({
      state: 'awaiting-answer',
      question: { seq: 1, text: 'JWT or sessions?' },
      progress: { done: 1, total: 2 },
    });
    expect(view.items.map((i) => i.mark)).toEqual(['done', 'pending']);
  });

  it('an empty workspace is an empty array', async () => {
    const r = await newWorkspace().dispatch(['status', '--json']);
    expect([r.exitCode, r.stdout]).toEqual([0, '[]']);
  });
});

describe('dispatch status (table)', () => {
  it('piped: no colour; tasks needing the user first; bar, age and the question cut to fit', async () => {
    const ws = newWorkspace();
    await ws.start('aaa-finished', 'Only');
    await until(() => ws.state('aaa-finished').then((s) => s === 'completed'));
    const long = `Should the session store move to Redis ${'or stay in Postgres '.repeat(5)}?`;
    await ws.start('zzz-asking', 'Look', `Decide {ask: ${long}}`);
    await until(() => ws.state('zzz-asking').then((s) => s === 'awaiting-answer'));
    const r = await ws.dispatch(['status']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).not.toContain('\u001b[');
    const [waiting, blank, ...lines] = r.stdout.split('\n');
    // What needs the user comes first, above the table: the question, the time left, the command.
    expect(waiting).toMatch(
      /^\? zzz-asking asks #1 \(\dm \d+s left\): Should the session store move to Redis .* — dispatch answer zzz-asking "…"$/,
    );
    expect(blank).toBe('');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+MODEL\s+PROGRESS\s+AGE\s+NEEDS YOU \/ NOW$/);
    expect(lines[1]).toMatch(
      /^zzz-asking\s+awaiting-answer\s+sim\s+\[####----\] 1\/2\s+\d+s\s+\? #1 Should the session store move to Redis .*…$/,
    );
    expect(lines[1]!.length).toBeLessThan(lines[1]!.indexOf('#1') + 61);
    expect(lines[2]).toMatch(/^aaa-finished\s+completed\s+sim\s+\[########\] 1\/1\s+\d+s$/);
  });

  it('on a terminal the states are coloured, needs-user loudest', () => {
    const base = {
      title: 't',
      model: 'sim',
      backend: 'sim',
      attempt: 1,
      items: [],
      question: null,
      error: null,
      waiting: null,
      taskDir: '/x',
      updatedAt: '',
    };
    const views: TaskView[] = [
      { ...base, id: 'ok', state: 'completed', progress: { done: 1, total: 1 }, createdAt: '2026-01-01T00:00:00.000Z' },
      {
        ...base,
        id: 'bad',
        state: 'failed',
        progress: { done: 0, total: 2 },
        error: { kind: 'auth', message: 'log in' },
        createdAt: '2026-01-01T00:01:00.000Z',
      },
    ];
    const out = renderStatusTable(views, {
      style: createStyle(true),
      now: Date.parse('2026-01-01T00:06:00.000Z'),
      columns: 100,
    });
    const [, first, second] = out.split('\n');
    expect(first).toMatch(
      /^bad\s+\u001b\[1m\u001b\[31mfailed\u001b\[39m\u001b\[22m.*\[--------\] 0\/2\s+5m\s+✗ auth: log in$/,
    );
    expect(second).toMatch(/^ok\s+\u001b\[32mcompleted\u001b\[39m.*6m$/);
    expect([progressBar(3, 8), formatAge(90_000), formatAge(3 * 86_400_000)]).toEqual(['[###-----] 3/8', '1m', '3d']);
  });

  it('an unknown or invalid id exits 2 with one line', async () => {
    const ws = newWorkspace();
    for (const id of ['nope', '../x', 'A B']) {
      const r = await ws.dispatch(['status', id]);
      expect([r.exitCode, r.stdout, r.stderr.split('\n').length], id).toEqual([2, '', 1]);
    }
    expect((await ws.dispatch(['status', 'nope'])).stderr).toMatch(/^dispatch: no task nope in /);
  });

  it('finding an unfinished task with no daemon starts one', async () => {
    const ws = newWorkspace();
    await ws.start('forever', 'Hang {hang}');
    await until(() => ws.state('forever').then((s) => s === 'running'));
    await ws.dispatch(['daemon', 'stop']);
    await until(async () => !(await ws.daemonRunning()));
    expect((await ws.dispatch(['status', '--json'])).exitCode).toBe(0);
    await until(() => ws.daemonRunning());
  });

  it('--watch prints a frame with the inbox on top, redraws on a change, and exits 0 on Ctrl-C', async () => {
    const ws = newWorkspace();
    await ws.start('watched', 'Ask {ask: Ready?}');
    await until(() => ws.state('watched').then((s) => s === 'awaiting-answer'));
    const watching = execa('node', [bin, 'status', '--watch'], {
      cwd: ws.dir,
      reject: false,
      extendEnv: false,
      env: ws.env,
    });
    let out = '';
    watching.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await until(() => out.includes('awaiting-answer'));
    // What needs the user is on top of the frame, live: the question with the time left.
    expect(out).toMatch(/^\? watched asks #1 \(\dm \d+s left\): Ready\? — dispatch answer watched "…"$/m);
    await writeRequest(taskPaths(ws.dispatchDir, 'watched').requests, { type: 'cancel' });
    await until(() => out.includes('cancelled'));
    watching.kill('SIGINT');
    expect((await watching).exitCode).toBe(0);
    expect(out.match(/^ID /gm)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe('dispatch status ID (detail)', () => {
  it('shows the plan with the current item, the question and its time left, each attempt', async () => {
    const ws = newWorkspace();
    await ws.start('asker', 'Look around', 'Decide {ask: JWT or sessions?}', 'Write it down');
    await until(() => ws.state('asker').then((s) => s === 'awaiting-answer'));
    const r = await ws.dispatch(['status', 'asker']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('asker — task asker');
    expect(lines).toContainEqual(expect.stringMatching(/^state +awaiting-answer · attempt 1 · sim \(sim\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^needs you \? asker asks #1 \(\dm \d+s left\): JWT or sessions\? — dispatch answer asker "…"$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^plan +1\/3 done$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}✓ Look around — /));
    expect(lines).toContain('  ▸ Decide {ask: JWT or sessions?}');
    expect(lines).toContain('  · Write it down');
    expect(lines).toContainEqual(expect.stringMatching(/^attempts +#1 {2}sim {2}running {2}\d+s$/));
    expect(lines).not.toContainEqual(expect.stringMatching(/^ID +STATE/));
    // --json is unchanged: the one contract object.
    expect(JSON.parse((await ws.dispatch(['status', 'asker', '--json'])).stdout)).toMatchObject({ id: 'asker' });
  });

  it('a failed task: each attempt with its model, exit and duration', async () => {
    const ws = newWorkspace();
    await ws.start('broken', 'Break {crash: 3}');
    await until(() => ws.state('broken').then((s) => s === 'failed'));
    const lines = (await ws.dispatch(['status', 'broken'])).stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^needs you ✗ broken failed \(.+\): .* — dispatch retry broken$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^attempts +#1 {2}sim {2}exit 3 {2}\d+s/));
  });
});

describe('dispatch status (failures by cause)', () => {
  it('four tasks that failed the same way share one line', async () => {
    const ws = newWorkspace();
    const ids = ['auth-a', 'auth-b', 'auth-c', 'auth-d'];
    for (const id of ids) await ws.start(id, 'Log in {fail: claude is not logged in}');
    await ws.start('other', 'Build {fail: the compiler crashed}');
    await until(async () => (await Promise.all([...ids, 'other'].map(ws.state))).every((s) => s === 'failed'));
    const lines = (await ws.dispatch(['status'])).stdout.split('\n');
    expect(lines.filter((l) => l.includes('claude is not logged in') && !/^auth-/.test(l))).toEqual([
      '4 tasks (auth-a, auth-b, auth-c and 1 more): plan-error — Log in: claude is not logged in. Fix the cause, then: dispatch retry <id>',
    ]);
    expect(lines).toContain(
      'other: plan-error — Build: the compiler crashed. Fix the cause, then: dispatch retry other',
    );
  });
});
