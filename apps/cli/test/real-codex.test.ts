import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { e2eWorkspace } from './e2e-workspace.js';
import { closedPort, DEFAULT_QUESTION, GREETING_FILE, protocolScript } from './fake-model-api/index.js';
import { describeRealCli, expectContinuedTaskResumes, REAL_CLI_TEST_TIMEOUT, untilAllFinished, useRealClis } from './real-clis.js';

// The real Codex CLI (DISPATCH_REAL_CLIS_DIR) runs dispatch tasks against a scripted fake
// OpenAI Responses API on loopback: no network, no account.
describeRealCli('codex', (ctx) => {
  const { cli } = ctx;

  it.each(['files', 'dispatch-ask'] as const)('completes a task, asking a question (via %s) that `dispatch answer` answers', async (via) => {
    const ws = e2eWorkspace('real-codex');
    const dispatch = useRealClis(ws, cli.dir!);
    const api = await ctx.startApi({ script: (plan) => protocolScript(plan, DEFAULT_QUESTION, via) });
    const run = await dispatch(['run', '--id', 'greet', '--model', 'gpt-5.3-codex', '--step', 'Get ready', '--step', 'Write the greeting the user picks', 'Write a greeting'], api.url);
    expect(run.exitCode, run.stderr).toBe(0);

    const asked = await dispatch(['wait', 'greet', '--json', '--timeout', '90'], api.url);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toMatchObject({ type: 'question', id: 'greet', seq: 1, text: DEFAULT_QUESTION });
    const answered = await dispatch(['answer', 'greet', 'Hello from the user'], api.url);
    expect(answered.exitCode, answered.stderr).toBe(0);

    const done = await dispatch(['wait', 'greet', '--json', '--timeout', '90'], api.url);
    expect(JSON.parse(done.stdout), done.stderr).toMatchObject({ type: 'completed', id: 'greet' });
    const views = await untilAllFinished(ws, ['greet'], 10_000);
    expect(views.greet).toMatchObject({ state: 'completed', backend: 'codex', progress: { done: 2, total: 2 }, error: null });
    expect(readFileSync(join(ws.dir, GREETING_FILE), 'utf8').trim()).toBe('Hello from the user');
    expect(existsSync(join(ws.dispatchDir, 'tasks', 'greet', 'ipc', '001.done'))).toBe(true);
    // codex asked the fake for every step (the wait step at least once),
    const steps = api.requests.filter((r) => r.reply.startsWith('step'));
    expect(steps.length).toBeGreaterThanOrEqual(via === 'files' ? 6 : 5);
    // with the model dispatch passed it
    for (const r of steps) expect(r.model).toMatch(/^gpt-5\.3-codex$/);
  }, REAL_CLI_TEST_TIMEOUT);

  it('names auth, model-unavailable (404, 403), quota and network failures in status --json', async () => {
    const ws = e2eWorkspace('real-codex-errors');
    const dispatch = useRealClis(ws, cli.dir!);
    const failing = await Promise.all(([401, 403, 404, 429] as const).map((fail) => ctx.startApi({ fail })));
    const absent = `http://127.0.0.1:${await closedPort()}`;
    const cases = [
      { id: 'bad-key', url: failing[0]!.url, extra: [] as string[] },
      { id: 'forbidden', url: failing[1]!.url },
      { id: 'unknown-model', url: failing[2]!.url },
      { id: 'rate-limited', url: failing[3]!.url },
      // codex never gives up on an absent API ("Reconnecting... waiting for network"): the
      // wall-clock limit stops it, and the task fails with the cause its output shows.
      { id: 'no-api', url: absent, extra: ['--time-limit', '15'] },
    ];
    for (const c of cases) {
      const r = await dispatch(['run', '--id', c.id, '--model', 'gpt-5.3-codex', ...(c.extra ?? []), '--step', 'Do it', `task ${c.id}`], c.url);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const views = await untilAllFinished(ws, cases.map((c) => c.id), 90_000);
    const errors = Object.fromEntries(cases.map((c) => [c.id, views[c.id]!.error]));
    expect(errors).toEqual({
      'bad-key': { kind: 'auth', message: expect.stringMatching(/^codex: /) },
      // Anthropic's 403 is about billing; OpenAI's says the model is not allowed.
      forbidden: { kind: 'model-unavailable', message: expect.stringMatching(/^codex: /) },
      'unknown-model': { kind: 'model-unavailable', message: expect.stringMatching(/^codex: /) },
      'rate-limited': { kind: 'quota', message: expect.stringMatching(/^codex: /) },
      'no-api': { kind: 'network', message: expect.stringMatching(/^codex: .*\(stopped: the wall-clock limit passed\)$/) },
    });
    for (const c of cases) expect(views[c.id]!.state).toBe('failed');
  }, REAL_CLI_TEST_TIMEOUT);

  it("a continued task resumes the first attempt's codex thread (codex exec … resume <thread> <prompt>)", async () => {
    await expectContinuedTaskResumes(ctx, { backend: 'codex', model: 'gpt-5.3-codex', session: /"type":"thread\.started","thread_id":"([^"]+)"/, firstCallId: 'call_fake_s1_t0' });
  }, REAL_CLI_TEST_TIMEOUT);
});
