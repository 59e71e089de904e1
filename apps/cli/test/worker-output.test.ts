import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();
const fakeCli = (name: 'claude' | 'gemini') =>
  new URL(`./fixtures/workers/stream-json-${name}.sh`, import.meta.url).pathname;

/** A PATH whose `claude` (or `gemini`) is the stream-json fake, with node and the system's sh. */
function pathWithFakeClaude(name: 'claude' | 'gemini' = 'claude'): string {
  const bin = join(mkdtempSync(join(tmpdir(), 'dispatch-stream-json-')), 'bin');
  mkdirSync(bin);
  symlinkSync(fakeCli(name), join(bin, name));
  return [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}

describe("a worker CLI's structured output", () => {
  it('claude runs with stream-json and the spend limit; status, result and logs show what it did and what it cost', async () => {
    const w = e2eWorkspace('stream-json');
    w.env.PATH = pathWithFakeClaude();
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: sonnet\nbackends:\n  claude: { command: "claude -p" }\nmodels:\n  sonnet: { backend: claude }\nbudget_usd: 3\n',
    );
    expect(
      (await w.dispatch(['run', '--id', 'review', '--step', 'Scan', '--step', 'Write findings', 'review'])).exitCode,
    ).toBe(0);
    expect(
      (await w.dispatch(['run', '--id', 'cheap', '--budget-usd', '0.5', '--step', 'Scan', 'cheap'])).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('review')) === 'completed' && (await w.state('cheap')) === 'completed');
    // The spend limit reaches claude: the config's, or the task's own.
    expect(readFileSync(join(w.dispatchDir, 'tasks/review/claude-args'), 'utf8').trim()).toBe(
      '-p --output-format stream-json --verbose --max-budget-usd 3 --model sonnet',
    );
    expect(readFileSync(join(w.dispatchDir, 'tasks/cheap/claude-args'), 'utf8').trim()).toBe(
      '-p --output-format stream-json --verbose --max-budget-usd 0.5 --model sonnet',
    );

    const status = JSON.parse(String((await w.dispatch(['status', 'review', '--json'])).stdout)) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      state: 'completed',
      usage: { inputTokens: 2000, outputTokens: 250, costUsd: 0.0125 },
      activity: null,
    });

    const logs = String((await w.dispatch(['logs', 'review'])).stdout).split('\n');
    expect(logs).toEqual([
      '● session fake-session-1 (claude-sonnet-4-5)',
      'Working through the plan.',
      '● Bash: tick item 1',
      '● Bash: tick item 2',
      '● 3 turns, 2,000 tokens in, 250 out, $0.0125',
    ]);
    expect(String((await w.dispatch(['logs', 'review', '--raw'])).stdout)).toMatch(
      /^\{"type":"system","subtype":"init"/,
    );

    const result = await w.dispatch(['result', 'review']);
    expect(result.stderr).toBe('2,000 in / 250 out tokens, $0.0125');
    expect(JSON.parse(String((await w.dispatch(['result', 'review', '--json'])).stdout))).toMatchObject({
      usage: { costUsd: 0.0125 },
    });
  });

  it('a continued task resumes the same Claude session (same model and backend)', async () => {
    const w = e2eWorkspace('resume');
    w.env.PATH = pathWithFakeClaude();
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: sonnet\nbackends:\n  claude: { command: "claude -p" }\nmodels:\n  sonnet: { backend: claude }\n  opus: { backend: claude }\n',
    );
    expect(
      (
        await w.dispatch([
          'run',
          '--id',
          'db',
          '--step',
          'Scan',
          '--step',
          'Pick the database (block)',
          '--step',
          'Migrate',
          'db',
        ])
      ).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('db')) === 'blocked');
    expect((await w.dispatch(['continue', 'db', '--answer', 'Postgres'])).exitCode).toBe(0);
    await until(async () => (await w.state('db')) === 'completed');
    const args = readFileSync(join(w.dispatchDir, 'tasks/db/claude-args'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(args).toEqual([
      '-p --output-format stream-json --verbose --model sonnet',
      '-p --output-format stream-json --verbose --model sonnet --resume fake-session-1',
    ]);
  });

  it('a continued gemini task resumes its session by id, read from its stream-json; status shows what it did', async () => {
    const w = e2eWorkspace('resume-gemini');
    w.env.PATH = pathWithFakeClaude('gemini');
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: gemini-2.5-pro\nbackends:\n  gemini: { command: "gemini --yolo --skip-trust" }\nmodels:\n  gemini-2.5-pro: { backend: gemini }\n',
    );
    expect(
      (
        await w.dispatch([
          'run',
          '--id',
          'db',
          '--step',
          'Scan',
          '--step',
          'Pick the database (block)',
          '--step',
          'Migrate',
          'db',
        ])
      ).exitCode,
    ).toBe(0);
    await until(async () => (await w.state('db')) === 'blocked');
    expect((await w.dispatch(['continue', 'db', '--answer', 'Postgres'])).exitCode).toBe(0);
    await until(async () => (await w.state('db')) === 'completed');
    const args = readFileSync(join(w.dispatchDir, 'tasks/db/gemini-args'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(args).toEqual([
      '--yolo --skip-trust --output-format stream-json --model gemini-2.5-pro',
      '--yolo --skip-trust --output-format stream-json --model gemini-2.5-pro --resume 8c1f0b7e-2d4a-4f6b-9e3c-5a7d1b2c3d4e',
    ]);
    const status = JSON.parse(String((await w.dispatch(['status', 'db', '--json'])).stdout)) as Record<string, unknown>;
    expect(status).toMatchObject({
      state: 'completed',
      usage: { inputTokens: 3000, outputTokens: 500, costUsd: null },
    }); // both attempts'
  });
});
