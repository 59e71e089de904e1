import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The fake worker CLIs (fixtures/fake-clis): real executables that replay a real CLI's recording. */
export const fakes = new URL('./fixtures/fake-clis/', import.meta.url).pathname;

/** What a fake CLI replays: set both in the test's env (and name them in the backend's `env:`). */
export const replayEnv = (fakeCase: string) => ({
  FAKE_CLI_REPLAY: join(fakes, 'replay-fixture.mjs'),
  FAKE_CLI_CASE: fakeCase,
});

/** A PATH with the fake claude (it replays a real recording: FAKE_CLI_CASE), node and sh; no codex. */
export function fakeClaudePath(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dispatch-fake-claude-')), 'bin');
  mkdirSync(dir);
  symlinkSync(join(fakes, 'claude'), join(dir, 'claude'));
  return [dir, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}
