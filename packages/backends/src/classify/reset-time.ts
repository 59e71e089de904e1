import type { QuotaReset } from './types.js';

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "1h30m", "20s", "2 days 3 hours", "20.5 seconds" → milliseconds, or null. */
function durationMs(text: string): number | null {
  let total = 0;
  let found = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:utes?|s)?)?|s(?:ec(?:onds?|s)?)?)(?![a-z])/gi)) {
    total += Number(m[1]) * (UNIT_MS[m[2]!.charAt(0).toLowerCase()] ?? 0);
    found = true;
  }
  return found ? Math.round(total) : null;
}

/**
 * When a quota resets, from the ways the CLIs say it: "try again in 20s", "retry in 1m",
 * Claude's "usage limit reached|<epoch seconds>", an ISO time after "reset", or the free text
 * after "resets" ("resets 3pm (UTC)"), which is kept as the CLI said it.
 */
export function findQuotaReset(text: string, exitedAt?: Date): QuotaReset | null {
  const epoch = /limit reached\|(\d{10})\b/i.exec(text);
  if (epoch) {
    const at = new Date(Number(epoch[1]) * 1000).toISOString();
    return { at, text: at };
  }
  const iso = /reset[a-z]*\W{0,3}(?:at\s+)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))/i.exec(text);
  if (iso) return { at: new Date(iso[1]!).toISOString(), text: iso[1]! };
  const relative = /(?:try again|retry|retry after|resets?)\s+in\s+([\d.]+\s*[a-z]+(?:,?\s*(?:and\s+)?[\d.]+\s*[a-z]+)*)/i.exec(text);
  if (relative) {
    const ms = durationMs(relative[1]!);
    if (ms !== null) return { ...(exitedAt && { at: new Date(exitedAt.getTime() + ms).toISOString() }), text: `in ${relative[1]!.trim()}` };
  }
  const free = /\bresets?\s+(?:at\s+)?([^.·|]{1,40}?)\s*(?:$|[.·|])/i.exec(text);
  if (free) return { text: free[1]!.trim() };
  return null;
}
