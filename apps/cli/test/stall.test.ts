import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** A fake `codex exec --json` whose network is gone: one event, then "Reconnecting..." forever, as the real one does. */
const RECONNECTING = `#!/bin/sh
echo '{"type":"thread.started","thread_id":"th-1"}'
echo '{"type":"turn.started"}'
while :; do echo "Reconnecting... 1/5 (stream disconnected before completion: error sending request)" >&2; sleep 0.1; done
`;

describe('stall detection', () => {
  it('a structured CLI that only prints "Reconnecting..." is stalled; the task fails stalled and its worker is stopped', async () => {
    const w = e2eWorkspace('stall');
    const bin = join(mkdtempSync(join(tmpdir(), 'dispatch-stall-')), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'codex'), RECONNECTING);
    chmodSync(join(bin, 'codex'), 0o755);
    w.env.PATH = [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    w.env.DISPATCH_STALL_MS = '2000';
    writeFileSync(
      join(w.home, 'config.yaml'),
      'default: gpt-5\nbackends:\n  codex: { command: "codex exec" }\nmodels:\n  gpt-5: { backend: codex }\n',
    );
    expect((await w.dispatch(['run', '--id', 'offline', '--step', 'Write the tests', 'offline'])).exitCode).toBe(0);
    await until(async () => (await w.state('offline')) === 'failed');
    const view = JSON.parse(String((await w.dispatch(['status', 'offline', '--json'])).stdout)) as {
      error: { kind: string; message: string };
    };
    expect(view.error).toEqual({
      kind: 'stalled',
      message: expect.stringMatching(/^no plan change and no worker activity for 2000 ms/),
    });
  });
});
