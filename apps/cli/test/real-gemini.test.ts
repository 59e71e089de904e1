import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace } from './e2e-workspace.js';
import { blockingScript, startFakeModelApi, type FakeModelApi } from './fake-model-api/index.js';
import { REAL_CLI_TEST_TIMEOUT, realCli, untilAllFinished, useRealClis } from './real-clis.js';

// The real Gemini CLI (DISPATCH_REAL_CLIS_DIR) runs a dispatch task against a scripted fake
// Gemini API on loopback: no network, no account.
const cli = realCli('gemini');
const title = `real gemini against the fake model API${cli.missing && !cli.required ? ` (skipped: ${cli.missing})` : ''}`;
if (cli.missing && !cli.required) console.warn(`real-gemini tests skipped: ${cli.missing}; DISPATCH_REQUIRE_REAL_CLIS=1 makes this a failure`);

describe.skipIf(cli.missing !== null && !cli.required)(title, () => {
  beforeAll(() => {
    if (cli.missing) throw new Error(`DISPATCH_REQUIRE_REAL_CLIS=1 but ${cli.missing}`);
    assertFreshBuild();
  });
  cleanUpWorkspaces();
  const apis: FakeModelApi[] = [];
  afterAll(() => Promise.all(apis.map((a) => a.close())));

  it("a continued task resumes the first attempt's gemini session (--resume <session_id>)", async () => {
    const ws = e2eWorkspace('real-gemini-resume');
    const dispatch = useRealClis(ws, cli.dir!);
    const api = await startFakeModelApi({ script: blockingScript });
    apis.push(api);
    const run = await dispatch(['run', '--id', 'pick', '--model', 'gemini-2.5-pro', '--step', 'Get ready', '--step', 'Pick the greeting', 'Pick a greeting'], api.url);
    expect(run.exitCode, run.stderr).toBe(0);
    await vi.waitUntil(async () => (await ws.state('pick')) === 'blocked', { timeout: 90_000, interval: 250 });
    const firstRequests = api.requests.length;

    const continued = await dispatch(['continue', 'pick', '--answer', 'Hello'], api.url);
    expect(continued.exitCode, continued.stderr).toBe(0);
    // Only a resumed worker finishes: started afresh, the script would block again.
    const secondExit = join(ws.dispatchDir, 'tasks', 'pick', 'attempts', '2.exit');
    await vi.waitUntil(async () => existsSync(secondExit) && (await ws.state('pick')) !== 'running', { timeout: 90_000, interval: 250 });
    const views = await untilAllFinished(ws, ['pick'], 10_000).catch(() => ({ pick: { state: 'blocked again: the second worker started afresh' } }));
    expect(views.pick).toMatchObject({ state: 'completed', backend: 'gemini', progress: { done: 2, total: 2 }, error: null });

    // Both attempts ran in one session (its stream-json init names it),
    const log = readFileSync(join(ws.dispatchDir, 'tasks', 'pick', 'worker.log'), 'utf8');
    const sessions = [...log.matchAll(/"type":"init".*?"session_id":"([^"]+)"/g)].map((m) => m[1]);
    expect(sessions).toHaveLength(2);
    expect(sessions[1]).toBe(sessions[0]);
    // and the second worker's first request to the model carried the first attempt's conversation, then its own prompt.
    const resumed = api.requests.slice(firstRequests).find((r) => r.reply.startsWith('step'));
    expect(resumed?.body).toContain('gem_fake_s1_t0');
    expect(resumed?.body).toContain('This task was started before');
    for (const r of api.requests.filter((q) => q.reply.startsWith('step'))) expect(r.model).toBe('gemini-2.5-pro');
  }, REAL_CLI_TEST_TIMEOUT);
});
