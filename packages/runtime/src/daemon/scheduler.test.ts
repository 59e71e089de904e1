import { describe, expect, it } from 'vitest';
import { schedule, type ScheduledTask } from './scheduler.js';

const task = (
  key: string,
  state: ScheduledTask['state'],
  backend = 'claude',
  after: ScheduledTask['after'] = [],
  createdAt = key,
): ScheduledTask => ({
  key,
  state,
  backend,
  executor: 'local',
  createdAt,
  model: 'opus',
  waitingForQuota: false,
  after,
});

describe('the scheduler', () => {
  it('executors: a cluster counts against its own limit and the backend limits you set, never the machine’s total or defaults', () => {
    const on = (key: string, state: ScheduledTask['state'], executor: string) => ({ ...task(key, state), executor });
    const tasks = [
      ...Array.from({ length: 6 }, (_, i) => on(`h${i}`, 'queued', 'hpc')),
      ...Array.from({ length: 4 }, (_, i) => on(`l${i}`, 'queued', 'local')),
    ];
    // No limits set: six claude jobs on the cluster start; here, the default 3 claude.
    expect(schedule(tasks, undefined).map((d) => d.action)).toEqual([
      ...Array(6).fill('start'),
      ...Array(3).fill('start'),
      'wait',
    ]);
    // hpc: 4 holds the cluster; total: 2 holds this machine only.
    const limited = schedule(tasks, { total: 2, backends: {}, executors: { hpc: 4 } });
    expect(limited.filter((d) => d.key.startsWith('h') && d.action === 'start')).toHaveLength(4);
    expect(limited.filter((d) => d.key.startsWith('l') && d.action === 'start')).toHaveLength(2);
    expect(limited.find((d) => d.key === 'h4')).toMatchObject({ reason: 'waiting for a free hpc executor slot' });
    // A backend limit you set counts its workers everywhere.
    const claude = schedule(tasks, { backends: { claude: 5 }, executors: {} });
    expect(claude.filter((d) => d.action === 'start')).toHaveLength(5);
  });

  it('starts queued tasks in submission order while slots are free, per backend and in total', () => {
    const tasks = [
      task('a', 'running'),
      task('b', 'awaiting-answer'),
      task('c', 'queued'),
      task('d', 'queued'),
      task('e', 'queued', 'codex'),
      task('f', 'blocked'),
    ];
    expect(schedule(tasks, { total: 4, backends: { claude: 3 }, executors: {} })).toEqual([
      { key: 'c', action: 'start' },
      { key: 'd', action: 'wait', reason: 'waiting for a free claude worker slot', place: 1 },
      { key: 'e', action: 'start' },
    ]);
    expect(schedule(tasks, { total: 3, backends: {}, executors: {} }).map((d) => d.action)).toEqual([
      'start',
      'wait',
      'wait',
    ]);
  });

  it('defaults: 3 claude, 4 of another known CLI, 8 in total; other commands and sim unlimited unless limits are configured', () => {
    const claude = Array.from({ length: 5 }, (_, i) => task(`c${i}`, 'queued'));
    expect(schedule(claude, undefined).map((d) => d.action)).toEqual(['start', 'start', 'start', 'wait', 'wait']);
    const mixed = [
      ...Array.from({ length: 6 }, (_, i) => task(`a${i}`, 'queued', 'codex')),
      ...Array.from({ length: 6 }, (_, i) => task(`b${i}`, 'queued', 'gemini')),
    ];
    expect(schedule(mixed, undefined).filter((d) => d.action === 'start')).toHaveLength(8);
    const mine = Array.from({ length: 12 }, (_, i) => task(`m${String(i).padStart(2, '0')}`, 'queued', 'my-agent'));
    expect(schedule(mine, undefined).every((d) => d.action === 'start')).toBe(true);
    const sims = Array.from({ length: 20 }, (_, i) => task(`s${String(i).padStart(2, '0')}`, 'queued', 'sim'));
    expect(schedule(sims, undefined).every((d) => d.action === 'start')).toBe(true);
    expect(schedule(sims, { total: 3, backends: {}, executors: {} }).filter((d) => d.action === 'start')).toHaveLength(
      3,
    );
  });

  it('runs a task after the tasks it names: waits while they run or failed, fails when one was cancelled', () => {
    const after = (state: ScheduledTask['state'] | undefined) => [{ id: 'b', state }];
    expect(schedule([task('c', 'queued', 'claude', after('running'))], undefined)).toEqual([
      { key: 'c', action: 'wait', reason: 'waiting for b (running)' },
    ]);
    expect(schedule([task('c', 'queued', 'claude', after('failed'))], undefined)).toEqual([
      { key: 'c', action: 'wait', reason: 'waiting for b (failed)' },
    ]);
    expect(schedule([task('c', 'queued', 'claude', after('completed'))], undefined)).toEqual([
      { key: 'c', action: 'start' },
    ]);
    expect(schedule([task('c', 'queued', 'claude', after('cancelled'))], undefined)).toEqual([
      { key: 'c', action: 'fail', message: 'b was cancelled, and this task runs after it' },
    ]);
  });

  it('quotas: a task waiting for its reset is not in line; one whose model rests waits with it', () => {
    const cooling = new Map([['opus', { until: 1_000, reason: 'claude: usage limit reached' }]]);
    const waiting = { ...task('a', 'queued'), waitingForQuota: true };
    const onSonnet = { ...task('c', 'queued'), model: 'sonnet' };
    expect(schedule([waiting, task('b', 'queued'), onSonnet], undefined, cooling)).toEqual([
      { key: 'b', action: 'wait-for-quota', until: 1_000, message: 'claude: usage limit reached' },
      { key: 'c', action: 'start' },
    ]);
    // Its dependencies come first: a task that cannot start yet has no quota to wait for.
    const dependent = task('d', 'queued', 'claude', [{ id: 'x', state: 'running' }]);
    expect(schedule([dependent], undefined, cooling)).toEqual([
      { key: 'd', action: 'wait', reason: 'waiting for x (running)' },
    ]);
  });
});
