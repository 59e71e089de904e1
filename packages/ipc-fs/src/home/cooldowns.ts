import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { readDataFileSync } from '../safe-read.js';

/** A model resting after a quota failure: new tasks and fallbacks pass it over until `until`. */
export interface Cooldown {
  model: string;
  /** Epoch ms. */
  until: number;
  reason: string;
}

/**
 * `$DISPATCH_HOME/cooldowns.json`: quotas belong to the user's accounts, so cooldowns are global,
 * across workspaces. Only the daemon writes it (one per home: no lock needed); anyone reads it.
 */
const fileOf = (home: string) => join(home, 'cooldowns.json');

/**
 * The cooldowns still running at `now`, by model; none when the file is missing or unreadable. A
 * small file, read in one sync call (every `run` reads it).
 */
export async function activeCooldowns(home: string, now: number): Promise<Map<string, Cooldown>> {
  try {
    const data = JSON.parse(readDataFileSync(fileOf(home))) as { cooldowns?: Cooldown[] };
    return new Map(
      (data.cooldowns ?? []).filter((c) => typeof c.model === 'string' && c.until > now).map((c) => [c.model, c]),
    );
  } catch {
    return new Map();
  }
}

/** Records a cooldown (the later end wins for a model already resting), dropping ended ones. */
export async function recordCooldown(home: string, cooldown: Cooldown, now: number): Promise<void> {
  const active = await activeCooldowns(home, now);
  const known = active.get(cooldown.model);
  if (!known || known.until < cooldown.until) active.set(cooldown.model, cooldown);
  await writeFileAtomic(fileOf(home), `${JSON.stringify({ v: 1, cooldowns: [...active.values()] }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** `14:05` today, else `Nov 25 14:05`: when a cooldown ends, for one line of text. */
export function formatUntil(until: number, now: number): string {
  const end = new Date(until);
  const time = `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
  return end.toDateString() === new Date(now).toDateString()
    ? time
    : `${end.toLocaleString('en', { month: 'short', day: 'numeric' })} ${time}`;
}
