import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, type E2eWorkspace } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** `claude` and `codex` doubles that hit the account's usage limit until $QUOTA_RESET (quota-worker.sh). */
const quotaClis = new URL('./fixtures/quota-clis/', import.meta.url).pathname;

interface View {
  id: string;
  state: string;
  waiting: { reason: string; until: string; message: string } | null;
  error: unknown;
  progress: { done: number; total: number };
}

/** A workspace whose claude and codex are the quota doubles, their limit reached until `reset` (epoch s). */
function quotaWorkspace(name: string, reset: number, clock = '') {
  const w = e2eWorkspace(name);
  const log = join(w.home, 'worker-runs.log');
  writeFileSync(log, '');
  Object.assign(w.env, {
    PATH: [quotaClis, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    QUOTA_RESET: String(reset),
    QUOTA_RESET_CLOCK: clock,
    QUOTA_LOG: log,
  });
  const env = '[QUOTA_RESET, QUOTA_RESET_CLOCK, QUOTA_LOG, QUOTA_TOGETHER]';
  const notified = join(w.home, 'notify.log');
  writeFileSync(
    join(w.home, 'config.yaml'),
    `default: sonnet\nbackends:\n  claude: { command: "claude -p --dangerously-skip-permissions", env: ${env} }\n  codex: { command: "codex exec --full-auto", env: ${env} }\nmodels:\n  sonnet: { backend: claude }\n  gpt-5.3-codex: { backend: codex }\nnotify: cat >> ${notified}\n`,
  );
  /** The lines the notify hook was given. */
  const notifications = () =>
    (existsSync(notified) ? readFileSync(notified, 'utf8') : '')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; id: string; reason?: string; until?: string });
  /** Each worker run: when it started (epoch s), its task and its arguments. */
  const runs = () =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [at, task, ...args] = line.split(' ');
        return { at: Number(at), task: task!, args: args.join(' ') };
      });
  return { w, runs, notifications };
}

const run = async (w: E2eWorkspace, id: string, model = 'sonnet') => {
  const r = await w.dispatch(['run', '--id', id, '--model', model, '--step', 'Write it', '--step', 'Test it', id]);
  expect(r.exitCode, r.stderr).toBe(0);
};

const views = async (w: E2eWorkspace): Promise<View[]> =>
  JSON.parse((await w.dispatch(['status', '--json'])).stdout) as View[];

/** Polls status --json until `done` holds, keeping every state each task was seen in. */
async function follow(w: E2eWorkspace, done: (vs: View[]) => boolean, timeout: number) {
  const seen = new Map<string, Set<string>>();
  const last = await vi.waitUntil(
    async () => {
      const vs = await views(w);
      for (const v of vs) seen.set(v.id, (seen.get(v.id) ?? new Set()).add(v.state));
      return done(vs) ? vs : null;
    },
    { timeout, interval: 200 },
  );
  return { last, seen };
}

const eventsOf = (w: E2eWorkspace, id: string) =>
  readFileSync(join(w.dispatchDir, 'tasks', id, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// One at a time: the after-each clean-up cancels every workspace's tasks.
describe('a quota that resets: the task waits instead of failing', () => {
  it("claude's usage-limit line with a reset 25 s ahead: the task waits (status says until when; wait is not woken; the daemon killed -9 meanwhile), then resumes its session and completes, never failed", async () => {
    const reset = Math.floor(Date.now() / 1000) + 25;
    const { w, runs } = quotaWorkspace('quota-claude', reset);
    await run(w, 'limited');
    const waiting = await vi.waitUntil(async () => (await views(w)).find((v) => v.waiting !== null), {
      timeout: 20_000,
      interval: 100,
    });
    expect(waiting).toMatchObject({
      id: 'limited',
      state: 'queued',
      error: null,
      waiting: {
        reason: 'quota',
        until: new Date(reset * 1000).toISOString(),
        message: expect.stringContaining('usage limit'),
      },
    });
    const human = await w.dispatch(['status']);
    expect(human.stdout).toMatch(/limited\s+queued .*◷ waiting for quota until \d\d:\d\d/);
    const inbox = JSON.parse((await w.dispatch(['inbox', '--json'])).stdout) as unknown[];
    expect(inbox).toEqual([
      expect.objectContaining({ type: 'waiting', id: 'limited', until: new Date(reset * 1000).toISOString() }),
    ]);
    // A host waiting on it is not woken for a wait that only time ends.
    const wait = await w.dispatch(['wait', 'limited', '--json', '--timeout', '2']);
    expect([wait.exitCode, wait.stdout]).toEqual([124, '']);

    // The daemon dies during the wait; restarted, it wakes the task at the original time.
    const daemon = JSON.parse((await w.dispatch(['daemon', 'status', '--json'])).stdout) as { pid: number };
    process.kill(daemon.pid, 'SIGKILL');
    await vi.waitUntil(() => !alive(daemon.pid), { timeout: 10_000 });
    expect((await w.dispatch(['daemon', 'start'])).exitCode).toBe(0);

    const { last, seen } = await follow(w, (vs) => vs[0]?.state === 'completed', 60_000);
    expect(last[0]!.progress).toEqual({ done: 2, total: 2 });
    expect([...seen.get('limited')!]).not.toContain('failed');
    const [first, second, ...more] = runs();
    expect(more).toEqual([]);
    expect(first!.at).toBeLessThan(reset);
    expect(second!.at).toBeGreaterThanOrEqual(reset);
    // The next worker resumed the session the first one named (claude --resume), as retry would.
    expect(second!.args).toContain('--resume limited-session');
    const types = eventsOf(w, 'limited').map((e) => e.type);
    expect(types).toContain('quota.reset');
    expect(eventsOf(w, 'limited').filter((e) => e.type === 'state.entered' && e.state === 'failed')).toEqual([]);
  }, 120_000);

  it('codex\'s "try again at 3:05 PM": the task waits until that minute, then completes with no user command', async () => {
    // The next whole minute at least 25 s away, as codex names it (local time, minutes only).
    const at = new Date(Math.ceil((Date.now() + 25_000) / 60_000) * 60_000);
    const hour = at.getHours() % 12 || 12;
    const clock = `${hour}:${String(at.getMinutes()).padStart(2, '0')} ${at.getHours() < 12 ? 'AM' : 'PM'}`;
    const reset = at.getTime() / 1000;
    const { w, runs } = quotaWorkspace('quota-codex', reset, clock);
    await run(w, 'codex-task', 'gpt-5.3-codex');
    const waiting = await vi.waitUntil(async () => (await views(w)).find((v) => v.waiting !== null), {
      timeout: 20_000,
      interval: 100,
    });
    expect(waiting!.waiting!.until).toBe(at.toISOString());
    const { seen } = await follow(w, (vs) => vs[0]?.state === 'completed', 120_000);
    expect([...seen.get('codex-task')!]).not.toContain('failed');
    const [first, second] = runs();
    expect(first!.at).toBeLessThan(reset);
    expect(second!.at).toBeGreaterThanOrEqual(reset);
  }, 150_000);

  it('two tasks on one model hit its quota: both wait and resume, neither before the reset; a third started during the wait waits with them', async () => {
    const reset = Math.floor(Date.now() / 1000) + 25;
    const { w, runs, notifications } = quotaWorkspace('quota-shared', reset);
    // Both first workers run before either reports the limit (else the second would wait with
    // the first without ever running into it: right, but not this case).
    w.env.QUOTA_TOGETHER = '2';
    await run(w, 'first');
    await run(w, 'second');
    await vi.waitUntil(async () => (await views(w)).filter((v) => v.waiting !== null).length === 2, {
      timeout: 20_000,
      interval: 100,
    });
    // Started during the wait: it never runs into the limit, it waits for the same reset.
    await run(w, 'third');
    const third = await vi.waitUntil(async () => (await views(w)).find((v) => v.id === 'third' && v.waiting), {
      timeout: 20_000,
      interval: 100,
    });
    expect(third!.waiting!.until).toBe(new Date(reset * 1000).toISOString());
    const { seen } = await follow(w, (vs) => vs.length === 3 && vs.every((v) => v.state === 'completed'), 60_000);
    for (const id of ['first', 'second', 'third']) expect([...seen.get(id)!]).not.toContain('failed');
    const afterReset = (task: string) => runs().flatMap((r) => (r.task === task ? [r.at >= reset] : []));
    expect(afterReset('first')).toEqual([false, true]);
    expect(afterReset('second')).toEqual([false, true]);
    expect(afterReset('third')).toEqual([true]);
    expect(eventsOf(w, 'third').filter((e) => e.type === 'quota.wait')).toHaveLength(1);
    // The notify hook heard of each wait once, when it began, and of no failure.
    const until = new Date(reset * 1000).toISOString();
    const told = await vi.waitUntil(
      () => {
        const lines = notifications();
        return lines.filter((n) => n.type === 'completed').length === 3 ? lines : null;
      },
      { timeout: 20_000, interval: 100 },
    );
    for (const id of ['first', 'second', 'third'])
      expect(told.filter((n) => n.id === id && n.type === 'waiting')).toEqual([
        expect.objectContaining({ reason: 'quota', until }),
      ]);
    expect(told.filter((n) => n.type === 'failed')).toEqual([]);
  }, 120_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
