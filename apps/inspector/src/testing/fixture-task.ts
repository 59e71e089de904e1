// Test fixtures shared by the inspector's server tests and the CLI's browser tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTaskFolder } from '@dispatch/ipc-fs';

/** The states a fixture task can be put in by its log. */
export type FixtureState = 'queued' | 'running' | 'awaiting-answer' | 'blocked' | 'failed' | 'completed' | 'cancelled';

const PLANS: Record<FixtureState, string[]> = {
  queued: ['- [ ] Read the code', '- [ ] Write the tests'],
  running: ['- [x] Read the code — 12 files', '- [ ] Write the tests', '- [ ] Run them'],
  'awaiting-answer': [
    '- [x] Read current loader',
    '- [x] Write schema',
    '- [ ] Decide: fail or warn on unknown keys',
    '- [ ] Update docs',
  ],
  blocked: ['- [x] Parse the plan', '- [?] Which markdown flavour?', '  > CommonMark or GFM? No answer came in time.'],
  failed: [
    '- [x] Reproduce the flake',
    '- [!] Fix the watcher',
    '  > inotify limit reached: cannot watch more folders',
  ],
  completed: ['- [x] Bump xstate', '- [x] Run the tests — 412 passed'],
  cancelled: ['- [ ] Never started'],
};

const counts = (lines: string[]) => {
  const items = lines.filter((l) => l.startsWith('- ['));
  const n = (c: string) => items.filter((l) => l.startsWith(`- [${c}]`)).length;
  return { total: items.length, done: n('x'), pending: n(' '), blocked: n('?'), error: n('!') };
};

/**
 * A limit the fixture's worker stopped at (the task pauses on limits): its quota, which leaves
 * a `queued` task waiting until `resetAt` (epoch ms), or its budget or time limit (`blocked`).
 */
export type FixtureLimit =
  | { kind: 'quota'; resetAt: number }
  | { kind: 'budget'; spent: number; limit: number }
  | { kind: 'time-limit'; spent: number; limit: number };

const LIMIT_MESSAGES: Record<FixtureLimit['kind'], string> = {
  quota: 'claude: usage limit reached',
  budget: 'claude: stopped at its spending limit',
  'time-limit': 'reached its time limit',
};

/**
 * Writes a task folder whose log puts it in `state`, as the daemon would have logged it: created
 * `minutesAgo` minutes ago, with the files a worker leaves (plan, question, worker.log). With
 * `limit`, its first worker stopped at that limit instead (`state` is then queued or blocked).
 */
export async function fixtureTask(
  dispatchDir: string,
  id: string,
  state: FixtureState,
  options: { title?: string; minutesAgo?: number; model?: string; limit?: FixtureLimit } = {},
): Promise<void> {
  const now = Date.now();
  const created = now - (options.minutesAgo ?? 5) * 60_000;
  const model = options.model ?? 'sim';
  const title = options.title ?? `Fixture task ${id}`;
  // A worker stopped at a limit had been working through the plan, with nothing blocked.
  const lines = options.limit ? PLANS.running : PLANS[state];
  const paths = await createTaskFolder(
    dispatchDir,
    {
      id,
      title,
      prompt: `do ${id}`,
      model,
      backend: 'sim',
      options: { answerTimeout: 600, ...(options.limit && { onLimit: 'pause' as const }) },
      createdAt: new Date(created).toISOString(),
    },
    `# ${title}\n\n${lines.join('\n')}\n`,
  );
  const { limit } = options;
  const onLimit = limit ? { onLimit: 'pause' } : {};
  const events: Record<string, unknown>[] = [
    { type: 'task.created', input: { id, model, createdAt: created, answerTimeoutMs: 600_000, ...onLimit } },
  ];
  const at = (k: number) => created + k * 1000;
  if (limit) {
    const { kind, ...facts } = limit;
    events.push({ type: 'start' }, { type: 'worker.started', attempt: 1, model, pid: 4242 });
    const cause = { kind, message: LIMIT_MESSAGES[kind], ...facts };
    events.push({ type: 'worker.exited', attempt: 1, code: 1, signal: null, plan: counts(lines), cause, acks: [] });
    await writeFile(
      join(paths.attempts, '1.exit'),
      `${JSON.stringify({ code: 1, signal: null, at: new Date(now).toISOString() })}\n`,
    );
  }
  if (!limit && state !== 'queued' && state !== 'cancelled') {
    events.push({ type: 'start' }, { type: 'worker.started', attempt: 1, model, pid: 4242 });
    events.push({ type: 'plan.changed', plan: counts(lines) });
  }
  if (state === 'awaiting-answer') {
    const text = 'Should unknown keys be a hard error or a warning?';
    events.push({ type: 'question.asked', question: { seq: 1, text }, atMs: now - 4000 });
    await writeFile(join(paths.ipc, '001.question'), `${text}\n`);
  }
  if (!limit && (state === 'blocked' || state === 'failed' || state === 'completed')) {
    events.push({
      type: 'worker.exited',
      attempt: 1,
      code: state === 'failed' ? 1 : 0,
      signal: null,
      plan: counts(lines),
      acks: [],
    });
    await writeFile(
      join(paths.attempts, '1.exit'),
      `${JSON.stringify({ code: state === 'failed' ? 1 : 0, signal: null, at: new Date(now).toISOString() })}\n`,
    );
  }
  if (state === 'cancelled') events.push({ type: 'cancel' });
  const log = events.map((e, i) => {
    const { atMs, ...rest } = e as { atMs?: number };
    const stamp = atMs ?? (e.type === 'task.created' ? created : at(i));
    return JSON.stringify({ seq: i + 1, at: new Date(stamp).toISOString(), ...rest });
  });
  await writeFile(paths.events, `${log.join('\n')}\n`);
  await writeFile(paths.workerLog, `[sim] starting ${id}\n[sim] working on the plan\n`);
}

/** A temp tree with a dispatch home and one workspace; `cleanup` removes it. */
export async function tempWorkspace(): Promise<{
  root: string;
  home: string;
  dispatchDir: string;
  cleanup(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'dispatch-inspector-'));
  const home = join(root, 'home');
  const dispatchDir = join(root, 'repo', '.dispatch');
  await mkdir(home, { recursive: true });
  await mkdir(dispatchDir, { recursive: true });
  return { root, home, dispatchDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}
