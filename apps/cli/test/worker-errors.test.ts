import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEventLog, taskPaths } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const fakes = new URL('./fixtures/fake-clis/', import.meta.url).pathname;

// The commands `dispatch init` writes (codex 0.169 no longer takes the reference's --full-auto); gemini is not installed
// (named through an expansion `run` does not read: a plain `gemini` is refused at `run`, the shell's own failure is the point here).
// The fakes read which recording to replay from FAKE_CLI_*: the backends name them (`env:`).
const CONFIG = `default: sonnet
backends:
  claude: { command: "env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions", env: [FAKE_CLI_REPLAY, FAKE_CLI_CASE] }
  codex: { command: "codex exec --sandbox workspace-write -C \\"$(pwd)\\"", env: [FAKE_CLI_REPLAY, FAKE_CLI_CASE] }
  gemini: { command: "\${GEMINI_BIN:-gemini} --yolo --skip-trust" }
models:
  sonnet: { backend: claude }
  opus: { backend: claude }
  gpt-5.3-codex: { backend: codex }
  gemini-2.5-pro: { backend: gemini }
`;

/** A PATH with the fake claude and codex (which replay real recordings), node and the system's sh; no gemini. */
function fakePath(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dispatch-worker-errors-')), 'bin');
  mkdirSync(dir);
  for (const name of ['claude', 'codex']) symlinkSync(join(fakes, name), join(dir, name));
  return [dir, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}

interface StatusView {
  id: string;
  state: string;
  backend: string;
  error: { kind: string; message: string } | null;
}

describe('a worker CLI that fails is classified from its real output', () => {
  it('auth, quota, cli-missing and model-unavailable each end failed with the right kind in status --json', async () => {
    const ws = e2eWorkspace('worker-errors');
    writeFileSync(join(ws.home, 'config.yaml'), CONFIG);
    const env = { ...ws.env, PATH: fakePath(), FAKE_CLI_REPLAY: join(fakes, 'replay-fixture.mjs') };
    const run = async (id: string, model: string, replay: string | null) => {
      // Failing on limits (a quota would wait for its reset otherwise): the classification is the point here.
      const args = ['run', '--id', id, '--model', model, '--on-limit', 'fail', '--step', 'Do it', `task ${id}`];
      const r = await execa('node', [bin, ...args], {
        cwd: ws.dir,
        reject: false,
        extendEnv: false,
        env: { ...env, ...(replay && { FAKE_CLI_CASE: replay }) },
      });
      expect(r.exitCode, r.stderr).toBe(0);
    };
    await run('not-logged-in', 'sonnet', 'no-credentials');
    await run('rate-limited', 'gpt-5.3-codex', 'http-429');
    await run('no-gemini', 'gemini-2.5-pro', null);
    await run('unknown-model', 'opus', 'http-404-model-stream-json');
    await run('as-root', 'sonnet', 'root-without-is-sandbox');

    const ids = ['not-logged-in', 'rate-limited', 'no-gemini', 'unknown-model', 'as-root'];
    const views = await until(async () => {
      const r = await ws.dispatch(['status', '--json']);
      const all = JSON.parse(r.stdout) as StatusView[];
      return all.length === ids.length && all.every((v) => v.state === 'failed') ? all : null;
    });
    const byId = Object.fromEntries(views.map((v) => [v.id, v]));
    expect(byId['not-logged-in']!.error).toEqual({
      kind: 'auth',
      message: expect.stringMatching(
        /^claude: not logged in .* run `claude` once to log in, or set ANTHROPIC_API_KEY$/,
      ),
    });
    expect(byId['rate-limited']!.error).toEqual({
      kind: 'quota',
      message: expect.stringMatching(
        /^codex: rate or usage limit reached \(exceeded retry limit, last status: 429 Too Many Requests\)/,
      ),
    });
    expect(byId['no-gemini']!.error).toEqual({
      kind: 'cli-missing',
      message: expect.stringMatching(/^gemini: command not found — install it/),
    });
    expect(byId['unknown-model']!.error).toEqual({
      kind: 'model-unavailable',
      message: expect.stringContaining('claude-nonexistent-9'),
    });
    expect(byId['as-root']!.error).toEqual({ kind: 'auth', message: expect.stringContaining('set IS_SANDBOX=1') });

    // The daemon logs the cause with the exit, so the log alone says the same as status.
    const exited = await until(async () =>
      (await readEventLog(taskPaths(ws.dispatchDir, 'rate-limited').events)).events.find(
        (e) => e.type === 'worker.exited',
      ),
    );
    expect(exited).toMatchObject({ code: 1, cause: { kind: 'quota' } });
  });
});
