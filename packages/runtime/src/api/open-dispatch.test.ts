import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DispatchError } from '../errors.js';
import { openDispatch } from './open-dispatch.js';

// Refusals come before anything is written or any daemon is started: no process is spawned here.
async function open() {
  const cwd = mkdtempSync(join(tmpdir(), 'dispatch-api-ws-'));
  const home = mkdtempSync(join(tmpdir(), 'dispatch-api-home-'));
  return openDispatch({ cwd, home, env: { PATH: process.env.PATH ?? '' } });
}

async function refusal(promise: Promise<unknown>): Promise<DispatchError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof DispatchError)) throw new Error(`expected a DispatchError, got ${String(err)}`);
  return err;
}

describe('openDispatch: bad input rejects with one line and a code', () => {
  it('finds the workspace and home as the CLI does', async () => {
    const d = await open();
    expect(d.dispatchDir).toMatch(/dispatch-api-ws-[^/]+\/\.dispatch$/);
    expect(d.home).toMatch(/dispatch-api-home-/);
    expect(await d.status()).toEqual([]);
  });

  it('usage: nothing to do', async () => {
    const err = await refusal((await open()).run({}));
    expect([err.code, err.exitCode, err.message]).toEqual([
      'usage',
      2,
      'say what to do: dispatch run "<prompt>", or give --step or --plan',
    ]);
  });

  it('input: a hostile id, a bad limit, a model no config names', async () => {
    const d = await open();
    const id = await refusal(d.answer('../../etc', 'x'));
    expect([id.code, id.reason]).toEqual(['input', 'invalid-task-id']);
    const timeout = await refusal(d.run({ model: 'sim', steps: ['a'], answerTimeout: -1 }));
    expect([timeout.code, timeout.message]).toEqual(['input', '--answer-timeout: a positive number of seconds']);
    const model = await refusal(d.run({ model: 'opus', prompt: 'x' }));
    expect([model.code, model.reason]).toEqual(['input', 'missing-config']);
    expect(await d.status()).toEqual([]); // nothing was written
  });

  it('not-found: a task that does not exist', async () => {
    const d = await open();
    const err = await refusal(d.status('nope'));
    expect([err.code, err.reason, err.exitCode]).toEqual(['not-found', 'no-such-task', 2]);
    expect(err.message).toMatch(/^no task nope in .*\.dispatch \(see dispatch status\)$/);
    expect((await refusal(d.cancel('nope'))).code).toBe('not-found');
  });

  it('watch() of no task ends when its signal aborts', async () => {
    const d = await open();
    const controller = new AbortController();
    const seen: unknown[] = [];
    const watching = (async () => {
      for await (const c of d.watch({ signal: controller.signal })) seen.push(c);
    })();
    controller.abort();
    await watching;
    expect(seen).toEqual([]);
    await d.close();
  });
});
