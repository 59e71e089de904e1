import { describe, expect, it } from 'vitest';
import { harness, plan, reachState, runningTask, waitingForQuota } from '../test/harness.js';
import { taskMachine, toMermaid } from './index.js';

type Harness = ReturnType<typeof harness>;
type Send = Parameters<Harness['send']>[0];

const allDone = plan({ total: 2, done: 2 });
const blockedPlan = plan({ total: 2, done: 1, blocked: 1 });
const errorPlan = plan({ total: 2, done: 1, error: 1 });
const openPlan = plan({ total: 2, done: 1 });
const exit = (p: typeof allDone, code = 0, acks?: number[]): Send => ({
  type: 'worker.exited',
  attempt: 1,
  code,
  signal: null,
  plan: p,
  ...(acks && { acks }),
});

const reach: Record<string, () => Harness> = Object.fromEntries(
  Object.entries(reachState).map(([k, v]) => [k.replaceAll('-', '_'), v]),
);

/** For each drawn edge `from --> to: event`: the state to start from (default: `from`) and the event(s) that take it. */
const drive: Record<string, { from?: () => Harness; run: (h: Harness) => void }> = {
  'queued --> starting: start': { run: (h) => h.send({ type: 'start' }) },
  'queued --> failed: dependency.failed': {
    run: (h) => h.send({ type: 'dependency.failed', message: 'x was cancelled' }),
  },
  'starting --> running: worker.started': {
    run: (h) => h.send({ type: 'worker.started', attempt: 1, model: 'opus', pid: 1 }),
  },
  'starting --> failed: worker.spawn-failed': {
    run: (h) => h.send({ type: 'worker.spawn-failed', attempt: 1, error: { kind: 'cli-missing', message: 'no' } }),
  },
  'starting --> failed: worker.exited': { run: (h) => h.send(exit(openPlan, 1)) },
  'starting --> blocked: worker.exited': { run: (h) => h.send(exit(blockedPlan)) },
  'starting --> completed: worker.exited': { run: (h) => h.send(exit(allDone)) },
  'running --> awaiting_answer: question.asked': {
    run: (h) => h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } }),
  },
  'running --> failed: worker.exited': { run: (h) => h.send(exit(openPlan)) },
  'running --> blocked: worker.exited': { run: (h) => h.send(exit(blockedPlan)) },
  'running --> completed: worker.exited': { run: (h) => h.send(exit(allDone)) },
  'running --> failed: worker.stalled': { run: (h) => h.send({ type: 'worker.stalled' }) },
  'running --> blocked: task.timeout': { run: (h) => h.send({ type: 'task.timeout' }) },
  'running --> failed: task.timeout': {
    from: () => runningTask({ input: { onLimit: 'fail' } }),
    run: (h) => h.send({ type: 'task.timeout' }),
  },
  'awaiting_answer --> running: question.answered': {
    run: (h) => h.send({ type: 'question.answered', question: { seq: 1 } }),
  },
  'awaiting_answer --> awaiting_answer: question.answered': {
    run: (h) => {
      h.send({ type: 'question.asked', question: { seq: 2, text: 'q2' } });
      h.send({ type: 'question.answered', question: { seq: 1 } });
    },
  },
  'awaiting_answer --> timed_out: answer.timeout': { run: (h) => h.clock.increment(180_000) },
  'awaiting_answer --> failed: worker.exited': { run: (h) => h.send(exit(openPlan, 1)) },
  'awaiting_answer --> blocked: worker.exited': { run: (h) => h.send(exit(blockedPlan)) },
  'awaiting_answer --> completed: worker.exited': { run: (h) => h.send(exit(allDone)) },
  'awaiting_answer --> blocked: task.timeout': { run: (h) => h.send({ type: 'task.timeout' }) },
  'awaiting_answer --> failed: task.timeout': {
    from: () => {
      const h = runningTask({ input: { onLimit: 'fail' } });
      h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
      return h;
    },
    run: (h) => h.send({ type: 'task.timeout' }),
  },
  'timed_out --> running: question.answered': {
    run: (h) => h.send({ type: 'question.answered', question: { seq: 1 } }),
  },
  'timed_out --> failed: worker.exited': { run: (h) => h.send(exit(errorPlan)) },
  'timed_out --> blocked: worker.exited': { run: (h) => h.send(exit(openPlan)) },
  'timed_out --> completed: worker.exited': { run: (h) => h.send(exit(allDone)) },
  'timed_out --> blocked: task.timeout': { run: (h) => h.send({ type: 'task.timeout' }) },
  'timed_out --> failed: task.timeout': {
    from: () => {
      const h = runningTask({ input: { onLimit: 'fail', answerTimeoutMs: 180_000 } });
      h.send({ type: 'question.asked', question: { seq: 1, text: 'q' } });
      h.clock.increment(180_000);
      return h;
    },
    run: (h) => h.send({ type: 'task.timeout' }),
  },
  'starting --> queued: worker.exited': {
    run: (h) => h.send({ ...exit(openPlan, 1), cause: { kind: 'quota', message: 'usage limit reached' } } as Send),
  },
  'queued --> queued: quota.wait': {
    run: (h) => h.send({ type: 'quota.wait', until: h.clock.now() + 60_000, message: 'opus rests' }),
  },
  'queued --> recovering: retry': {
    from: () => waitingForQuota({ chooseModel: () => undefined }),
    run: (h) => h.send({ type: 'retry', model: 'sonnet' }),
  },
  'queued --> queued: continue': { from: () => waitingForQuota(), run: (h) => h.send({ type: 'continue' }) },
  'running --> queued: worker.exited': {
    // The answer came, but the worker had already given up at [?] without reading it: continue with it.
    from: () => {
      const h = reach.awaiting_answer!();
      h.send({ type: 'question.answered', question: { seq: 1 } });
      return h;
    },
    run: (h) => h.send(exit(blockedPlan, 0, [])),
  },
  'awaiting_answer --> queued: worker.exited': {
    from: () => {
      const h = reach.awaiting_answer!();
      h.send({ type: 'question.asked', question: { seq: 2, text: 'q2' } });
      h.send({ type: 'question.answered', question: { seq: 1 } });
      return h;
    },
    run: (h) => h.send(exit(blockedPlan, 0, [])),
  },
  'timed_out --> queued: worker.exited': {
    from: () => {
      const h = reach.awaiting_answer!();
      h.send({ type: 'question.asked', question: { seq: 2, text: 'q2' } });
      h.send({ type: 'question.answered', question: { seq: 1 } });
      h.clock.increment(180_000);
      return h;
    },
    run: (h) => h.send(exit(openPlan, 0, [])),
  },
  'blocked --> queued: continue': { run: (h) => h.send({ type: 'continue' }) },
  'blocked --> queued: question.answered': {
    // The worker gave up waiting; the late answer starts the next one.
    from: () => {
      const h = reach.awaiting_answer!();
      h.send(exit(blockedPlan));
      return h;
    },
    run: (h) => h.send({ type: 'question.answered', question: { seq: 1 } }),
  },
  'failed --> recovering: retry': {
    from: () => {
      const h = harness({ chooseModel: () => undefined });
      h.send({ type: 'start' });
      h.send(exit(errorPlan, 1));
      return h;
    },
    run: (h) => h.send({ type: 'retry' }),
  },
  'recovering --> queued: model.chosen': { run: (h) => h.send({ type: 'model.chosen', model: 'sonnet' }) },
  'recovering --> failed: recovery.failed': {
    run: (h) => h.send({ type: 'recovery.failed', error: { kind: 'no-alternative', message: 'none' } }),
  },
};

const edges = toMermaid(taskMachine)
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => /^\w+ --> \w+: /.test(l) && !l.endsWith(': cancel'));

describe('every transition the machine defines is driven by a test', () => {
  it('each edge has a driver here (a new edge fails this until it gets one)', () => {
    expect(edges.filter((e) => !(e in drive))).toEqual([]);
    expect(edges.length).toBeGreaterThanOrEqual(30);
  });

  for (const edge of edges) {
    const [, from, to] = /^(\w+) --> (\w+): /.exec(edge)!;
    const kebab = (s: string) => s.replaceAll('_', '-');
    it(edge, () => {
      const { from: start = reach[from!]!, run } = drive[edge]!;
      const h = start();
      expect(h.state()).toBe(kebab(from!));
      const entered: string[] = [];
      h.actor.subscribe((s) => entered.push(String(s.value)));
      const spawnsBefore = h.spawns.length;
      run(h);
      expect(entered).toContain(kebab(to!));
      // The harness answers every spawn with worker.started, so a task entering starting runs on.
      // A task queued again starts at once when a slot is free (the harness always has one).
      // (unless it waits for a quota to reset: then it stays queued).
      if (h.context().waiting !== null) expect(h.state()).toBe('queued');
      else if (to === 'starting' || to === 'queued') expect(h.spawns.length).toBe(spawnsBefore + 1);
      else expect(h.state()).toBe(kebab(to!));
    });
  }
});
