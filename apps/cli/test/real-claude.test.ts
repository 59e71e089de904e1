import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { readEventLog } from '@dispatch/ipc-fs';
import { e2eWorkspace } from './e2e-workspace.js';
import { closedPort } from './fake-model-api/index.js';
import {
  blockedTask,
  describeRealCli,
  expectContinuedTaskResumes,
  expectTaskCompletesWithAnswer,
  REAL_CLI_TEST_TIMEOUT,
  untilAllFinished,
  useRealClis,
} from './real-clis.js';

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
});
