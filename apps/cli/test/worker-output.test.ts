import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();
const fakeClaude = new URL('./fixtures/workers/stream-json-claude.sh', import.meta.url).pathname;

describe("a worker CLI's structured output", () => {
  it('claude runs with stream-json; status, result and logs show what it did and what it cost', async () => {
    const w = e2eWorkspace('stream-json');
    const bin = join(mkdtempSync(join(tmpdir(), 'dispatch-stream-json-')), 'bin');
    mkdirSync(bin);
    symlinkSync(fakeClaude, join(bin, 'claude'));
    w.env.PATH = [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    writeFileSync(join(w.home, 'config.yaml'), 'default: sonnet\nbackends:\n  claude: { command: "claude -p" }\nmodels:\n  sonnet: { backend: claude }\n');
    expect((await w.dispatch(['run', '--id', 'review', '--step', 'Scan', '--step', 'Write findings', 'review'])).exitCode).toBe(0);
    await until(async () => (await w.state('review')) === 'completed');

    const status = JSON.parse(String((await w.dispatch(['status', 'review', '--json'])).stdout)) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'completed', usage: { inputTokens: 2000, outputTokens: 250, costUsd: 0.0125 }, activity: null });

    const logs = String((await w.dispatch(['logs', 'review'])).stdout).split('\n');
    expect(logs).toEqual([
      '● session fake-session-1 (claude-sonnet-4-5)',
      'Working through the plan.',
      '● Bash: tick item 1',
      '● Bash: tick item 2',
      '● 3 turns, 2,000 tokens in, 250 out, $0.0125',
    ]);
    expect(String((await w.dispatch(['logs', 'review', '--raw'])).stdout)).toMatch(/^\{"type":"system","subtype":"init"/);

    const result = await w.dispatch(['result', 'review']);
    expect(result.stderr).toBe('2,000 in / 250 out tokens, $0.0125');
    expect(JSON.parse(String((await w.dispatch(['result', 'review', '--json'])).stdout))).toMatchObject({ usage: { costUsd: 0.0125 } });
  });
});
