import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeCooldowns, formatUntil, recordCooldown } from './cooldowns.js';

describe('cooldowns', () => {
  it('records a cooldown (0600), keeps the later end for a model, and forgets ended ones', async () => {
    const home = await mkdtemp(join(tmpdir(), 'dispatch-cooldowns-'));
    await recordCooldown(home, { model: 'opus', until: 5_000, reason: 'rate limited' }, 1_000);
    await recordCooldown(home, { model: 'opus', until: 3_000, reason: 'earlier' }, 1_000);
    await recordCooldown(home, { model: 'sonnet', until: 2_000, reason: 'rate limited' }, 1_000);
    expect([...(await activeCooldowns(home, 1_500)).values()]).toEqual([
      { model: 'opus', until: 5_000, reason: 'rate limited' },
      { model: 'sonnet', until: 2_000, reason: 'rate limited' },
    ]);
    expect([...(await activeCooldowns(home, 2_500)).keys()]).toEqual(['opus']);
    await recordCooldown(home, { model: 'haiku', until: 9_000, reason: 'x' }, 2_500);
    expect(
      JSON.parse(await readFile(join(home, 'cooldowns.json'), 'utf8')).cooldowns.map((c: { model: string }) => c.model),
    ).toEqual(['opus', 'haiku']);
    expect((await stat(join(home, 'cooldowns.json'))).mode & 0o777).toBe(0o600);
  });

  it('reads a missing or corrupt file as no cooldowns', async () => {
    const home = await mkdtemp(join(tmpdir(), 'dispatch-cooldowns-'));
    expect((await activeCooldowns(home, 0)).size).toBe(0);
    await writeFile(join(home, 'cooldowns.json'), '{"cooldowns": [');
    expect((await activeCooldowns(home, 0)).size).toBe(0);
  });

  it('says when a cooldown ends: the time today, the date beyond', () => {
    const now = new Date(2026, 10, 24, 9, 0).getTime();
    expect(formatUntil(new Date(2026, 10, 24, 14, 5).getTime(), now)).toBe('14:05');
    expect(formatUntil(new Date(2026, 10, 25, 8, 30).getTime(), now)).toBe('Nov 25 08:30');
  });
});
