import { expect, it } from 'vitest';
import { e2eWorkspace } from './e2e-workspace.js';
import { closedPort } from './fake-model-api/index.js';
import {
  describeRealCli,
  expectContinuedTaskResumes,
  expectTaskCompletesWithAnswer,
  REAL_CLI_TEST_TIMEOUT,
  untilAllFinished,
  useRealClis,
} from './real-clis.js';

// The real Codex CLI (DISPATCH_REAL_CLIS_DIR) runs dispatch tasks against a scripted fake
// OpenAI Responses API on loopback: no network, no account.
describeRealCli('codex', (ctx) => {
  const { cli } = ctx;

  it.each(['files', 'dispatch-ask'] as const)(
    'completes a task, asking a question (via %s) that `dispatch answer` answers',
    async (via) => {
      await expectTaskCompletesWithAnswer(ctx, 'codex', 'gpt-5.3-codex', /^gpt-5\.3-codex$/, via);
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    'names auth, model-unavailable (404, 403), quota and network failures in status --json',
    async () => {
      const ws = e2eWorkspace('real-codex-errors');
      const dispatch = useRealClis(ws, cli.dir!);
      const failing = await Promise.all(([401, 403, 404, 429] as const).map((fail) => ctx.startApi({ fail })));
      const absent = `http://127.0.0.1:${await closedPort()}`;
      const cases = [
        { id: 'bad-key', url: failing[0]!.url, extra: [] as string[] },
        { id: 'forbidden', url: failing[1]!.url },
        { id: 'unknown-model', url: failing[2]!.url },
        { id: 'rate-limited', url: failing[3]!.url },
        // codex keeps reconnecting to an absent API ("Reconnecting... waiting for network"): the
        // wall-clock limit stops it, or it gives up first on a slow run; either way the task fails
        // with the cause its output shows.
        { id: 'no-api', url: absent, extra: ['--time-limit', '15'] },
      ];
      for (const c of cases) {
        const r = await dispatch(
          // Failing on limits (a quota would wait for its reset, a time limit block): the classification is the point here.
          [
            'run',
            '--id',
            c.id,
            '--model',
            'gpt-5.3-codex',
            '--on-limit',
            'fail',
            ...(c.extra ?? []),
            '--step',
            'Do it',
            `task ${c.id}`,
          ],
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
        'bad-key': { kind: 'auth', message: expect.stringMatching(/^codex: /) },
        // Anthropic's 403 is about billing; OpenAI's says the model is not allowed.
        forbidden: { kind: 'model-unavailable', message: expect.stringMatching(/^codex: /) },
        'unknown-model': { kind: 'model-unavailable', message: expect.stringMatching(/^codex: /) },
        'rate-limited': { kind: 'quota', message: expect.stringMatching(/^codex: /) },
        'no-api': {
          kind: 'network',
          message: expect.stringMatching(/^codex: cannot reach the model API \(.*Reconnecting/),
        },
      });
      for (const c of cases) expect(views[c.id]!.state).toBe('failed');
    },
    REAL_CLI_TEST_TIMEOUT,
  );

  it(
    "a continued task resumes the first attempt's codex thread (codex exec … resume <thread> <prompt>)",
    async () => {
      await expectContinuedTaskResumes(ctx, {
        backend: 'codex',
        model: 'gpt-5.3-codex',
        session: /"type":"thread\.started","thread_id":"([^"]+)"/,
        firstCallId: 'call_fake_s1_t0',
      });
    },
    REAL_CLI_TEST_TIMEOUT,
  );
});
