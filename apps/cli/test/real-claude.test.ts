import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { readEventLog } from '@dispatch/ipc-fs';
import type { ScriptStep } from './fake-model-api/index.js';
import { e2eWorkspace } from './e2e-workspace.js';
import { closedPort } from './fake-model-api/index.js';
import {
  blockedTask,
  describeRealCli,
  expectContinuedTaskResumes,
  expectTaskCompletesWithAnswer,
  REAL_CLI_TEST_TIMEOUT,
  type TaskView,
  untilAllFinished,
  useRealClis,
} from './real-clis.js';

/**
 * A worker whose first turn changes nothing (so a run stopped after it has done nothing), then
 * does the whole plan in one command: wherever a resumed run picks the script up, it finishes.
 */
const finishInOneStep = (plan: string): ScriptStep[] => {
  const q = (t: string) => `'${t.replaceAll("'", `'\\''`)}'`;
  const doAll = `sed 's/^- \\[ \\] /- [x] /' ${q(plan)} > ${q(`${plan}.t`)} && mv ${q(`${plan}.t`)} ${q(plan)} && touch "$(dirname ${q(plan)})/ipc/.done"`;
  return [{ shell: 'echo reading the plan' }, { shell: doAll }, { text: 'Every item of the plan is done.' }];
};

// The real Claude Code CLI (DISPATCH_REAL_CLIS_DIR) runs dispatch tasks against a scripted fake
// Anthropic API on loopback: no network, no account.
describeRealCli('claude', (ctx) => {
  const { cli } = ctx;

  it.each(['files', 'dispatch-ask'] as const)(
    'completes a task, asking a question (via %s) that `dispatch answer` answers',
    async (via) => {
      await expectTaskCompletesWithAnswer(ctx, 'claude', 'sonnet', /sonnet/, via);
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    'names auth (401, 403), model-unavailable, quota and network failures in status --json',
    async () => {
      const ws = e2eWorkspace('real-claude-errors');
      const dispatch = useRealClis(ws, cli.dir!);
      const failing = await Promise.all(([401, 403, 404, 429] as const).map((fail) => ctx.startApi({ fail })));
      const absent = `http://127.0.0.1:${await closedPort()}`;
      const cases = [
        { id: 'bad-key', url: failing[0]!.url },
        { id: 'forbidden', url: failing[1]!.url },
        { id: 'unknown-model', url: failing[2]!.url },
        { id: 'rate-limited', url: failing[3]!.url },
        { id: 'no-api', url: absent },
      ];
      for (const c of cases) {
        // Failing on limits (a quota would wait for its reset otherwise): the classification is the point here.
        const r = await dispatch(
          ['run', '--id', c.id, '--model', 'sonnet', '--on-limit', 'fail', '--step', 'Do it', `task ${c.id}`],
          c.url,
        );
        expect(r.exitCode, r.stderr).toBe(0);
      }
      const views = await untilAllFinished(
        ws,
        cases.map((c) => c.id),
        90_000,
      );
      const errors = Object.fromEntries(cases.map((c) => [c.id, views[c.id]!.error]));
      expect(errors).toEqual({
        'bad-key': { kind: 'auth', message: expect.stringMatching(/^claude: /) },
        // Anthropic's 403: the credit balance is too low.
        forbidden: { kind: 'auth', message: expect.stringMatching(/^claude: /) },
        'unknown-model': { kind: 'model-unavailable', message: expect.stringMatching(/^claude: /) },
        'rate-limited': { kind: 'quota', message: expect.stringMatching(/^claude: /) },
        'no-api': { kind: 'network', message: expect.stringMatching(/^claude: /) },
      });
      for (const c of cases) expect(views[c.id]!.state).toBe('failed');
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    "a continued task resumes the first attempt's claude session (--resume <session>)",
    async () => {
      await expectContinuedTaskResumes(ctx, {
        backend: 'claude',
        model: 'sonnet',
        session: /"subtype":"init".*?"session_id":"([^"]+)"/,
        firstCallId: 'toolu_fake_s1_t0',
      });
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    'a continued task whose claude session is gone goes again at once, cold, by the daemon',
    async () => {
      const { ws, dispatch, api, log } = await blockedTask(ctx, 'real-claude-session-gone', 'sonnet');
      // The session expires: claude's record of it goes.
      const first = /"subtype":"init".*?"session_id":"([^"]+)"/.exec(log())?.[1];
      expect(first).toBeDefined();
      const projects = join(dispatch.home, '.claude', 'projects');
      const removed = readdirSync(projects, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith(`${first}.jsonl`),
      );
      expect(removed).toHaveLength(1);
      for (const f of removed) rmSync(join(projects, f));

      const continued = await dispatch(['continue', 'pick', '--answer', 'Hello'], api.url);
      expect(continued.exitCode, continued.stderr).toBe(0);
      // Attempt 2 tries the gone session and ends at once; the daemon starts attempt 3 cold, which
      // (the script blocks any worker that does not resume) blocks again, asking anew.
      const thirdExit = join(ws.dispatchDir, 'tasks', 'pick', 'attempts', '3.exit');
      await vi.waitUntil(async () => existsSync(thirdExit) && (await ws.state('pick')) === 'blocked', {
        timeout: 90_000,
        interval: 250,
      });
      expect(log()).toContain(`No conversation found with session ID: ${first}`);
      const { events } = await readEventLog(join(ws.dispatchDir, 'tasks', 'pick', 'events.jsonl'));
      // (attempt 2 ended blocked: its plan still holds the `[?]`), so the daemon continued it.
      expect(events.filter((e) => e.type === 'continue')).toEqual([
        expect.objectContaining({ model: null }),
        expect.objectContaining({ by: 'resume' }),
      ]);
      // The cold worker started a session of its own.
      const sessions = [...log().matchAll(/"subtype":"init".*?"session_id":"([^"]+)"/g)].map((m) => m[1]);
      expect(sessions).toHaveLength(2);
      expect(sessions[1]).not.toBe(first);
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    'a 429 rate limit: the task waits (quota_cooldown, here 3 s) instead of failing, then starts again by itself and completes',
    async () => {
      const ws = e2eWorkspace('real-claude-429-wait');
      const dispatch = useRealClis(ws, cli.dir!);
      appendFileSync(join(ws.home, 'config.yaml'), 'quota_cooldown: 3\n');
      // The first request is refused (claude makes one: its retries are off), then the script plays.
      const api = await ctx.startApi({ script: finishInOneStep, failFirst: { status: 429, count: 1 } });
      const run = await dispatch(['run', '--id', 'limited', '--model', 'sonnet', '--step', 'Do it', 'do it'], api.url);
      expect(run.exitCode, run.stderr).toBe(0);
      const states = new Set<string>();
      let until: string | null = null;
      await vi.waitUntil(
        async () => {
          const view = JSON.parse((await ws.dispatch(['status', 'limited', '--json'])).stdout) as TaskView & {
            waiting: { until: string } | null;
          };
          states.add(view.state);
          until ??= view.waiting?.until ?? null;
          return view.state === 'completed';
        },
        { timeout: 120_000, interval: 100 },
      );
      expect(states).not.toContain('failed');
      expect(until).not.toBeNull();
      const { events } = await readEventLog(join(ws.dispatchDir, 'tasks', 'limited', 'events.jsonl'));
      const exited = events.find((e) => e.type === 'worker.exited');
      expect(exited).toMatchObject({ cause: { kind: 'quota' } });
      // The wait ended at the cooldown's end, and the next worker started no earlier.
      const at = (e: { at?: unknown } | undefined) => Date.parse(String(e?.at));
      const reset = events.find((e) => e.type === 'quota.reset');
      expect(at(reset)).toBe(at(exited) + 3_000);
      const second = events.find((e) => e.type === 'worker.started' && e.attempt === 2);
      expect(at(second)).toBeGreaterThanOrEqual(at(reset));
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    '--budget-usd reached (stream-json error_max_budget_usd): the task is blocked on its budget, naming the spend; continue --budget-usd resumes the same session and completes',
    async () => {
      const ws = e2eWorkspace('real-claude-budget');
      const dispatch = useRealClis(ws, cli.dir!);
      const api = await ctx.startApi({ script: finishInOneStep });
      const args = ['run', '--id', 'thrifty', '--model', 'sonnet', '--budget-usd', '0.0001', '--step', 'Do it'];
      const run = await dispatch([...args, 'do it'], api.url);
      expect(run.exitCode, run.stderr).toBe(0);
      const blocked = await dispatch(['wait', 'thrifty', '--json', '--timeout', '90'], api.url);
      expect(JSON.parse(blocked.stdout), blocked.stderr).toMatchObject({
        type: 'blocked',
        kind: 'budget',
        message: expect.stringMatching(
          /^claude: reached its spending limit of \$0\.0001, \$0\.\d+ spent; 1 of 1 items left$/,
        ),
      });
      const view = JSON.parse((await ws.dispatch(['status', 'thrifty', '--json'])).stdout) as TaskView & {
        question: unknown;
      };
      expect(view).toMatchObject({
        state: 'blocked',
        question: null,
        error: { kind: 'budget', spent: expect.any(Number), limit: 0.0001 },
      });
      const refused = await dispatch(['answer', 'thrifty', 'go on'], api.url);
      expect([refused.exitCode, refused.stderr]).toEqual([
        2,
        'dispatch: task thrifty is blocked on its budget, not on a question: raise it with dispatch continue thrifty --budget-usd N (N: the new limit in US dollars)',
      ]);

      const continued = await dispatch(['continue', 'thrifty', '--budget-usd', '10'], api.url);
      expect(continued.exitCode, continued.stderr).toBe(0);
      const views = await untilAllFinished(ws, ['thrifty'], 90_000);
      expect(views.thrifty).toMatchObject({ state: 'completed', progress: { done: 1, total: 1 }, error: null });
      // One session, resumed: both runs name it, and the second was told the new limit.
      const log = readFileSync(join(ws.dispatchDir, 'tasks', 'thrifty', 'worker.log'), 'utf8');
      const sessions = [...log.matchAll(/"subtype":"init".*?"session_id":"([^"]+)"/g)].map((m) => m[1]);
      expect(sessions).toHaveLength(2);
      expect(sessions[1]).toBe(sessions[0]);
      const { events } = await readEventLog(join(ws.dispatchDir, 'tasks', 'thrifty', 'events.jsonl'));
      expect(events.find((e) => e.type === 'continue')).toMatchObject({ budgetUsd: 10 });
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
