import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordCooldown } from '@dispatch/ipc-fs';
import { createModelChooser } from './choose-model.js';

function homeWith(config: string): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-choose-home-'));
  writeFileSync(join(home, 'config.yaml'), config);
  return { home, env: { DISPATCH_HOME: home, PATH: process.env.PATH ?? '' } };
}

const CONFIG =
  'default: a\nbackends:\n  one: { command: "sh -c true" }\n  two: { command: "sh -c true" }\nmodels:\n  a: { backend: one }\n  b: { backend: two }\nfallback: [b]\n';
const input = (requested: string | null, current = 'a') => ({
  id: 't',
  requested,
  current,
  modelsTried: [current],
  error: null,
  at: 1,
});

describe("the recovery decision the daemon supplies (the machine's chooseModel)", () => {
  it('runs a named model as named', async () => {
    const { home, env } = homeWith(CONFIG);
    expect(await createModelChooser(home, env)(input('b'))).toEqual({ type: 'model.chosen', model: 'b', at: 1 });
  });

  it('keeps the model for a plain retry, but not one resting after a quota failure: then the first free fallback', async () => {
    const { home, env } = homeWith(CONFIG);
    const choose = createModelChooser(home, env);
    expect(await choose(input(null))).toEqual({ type: 'model.chosen', model: 'a', at: 1 });
    await recordCooldown(home, { model: 'a', until: Date.now() + 60_000, reason: 'usage limit' }, Date.now());
    expect(await choose(input(null))).toEqual({ type: 'model.chosen', model: 'b', at: 1 });
  });

  it('fails again with no-alternative when the config no longer has the model', async () => {
    const { home, env } = homeWith(CONFIG);
    const event = await createModelChooser(home, env)(input(null, 'gone'));
    expect(event).toMatchObject({ type: 'recovery.failed', error: { kind: 'no-alternative' } });
    expect((event as { error: { message: string } }).error.message).toMatch(/gone.*dispatch retry t --model M$/);
  });
});
