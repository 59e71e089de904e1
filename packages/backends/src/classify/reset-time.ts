import type { QuotaReset } from './types.js';

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "1h30m", "20s", "2 days 3 hours", "20.5 seconds" → milliseconds, or null. */
function durationMs(text: string): number | null {
  let total = 0;
  let found = false;
  for (const m of text.matchAll(
    /(\d+(?:\.\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:utes?|s)?)?|s(?:ec(?:onds?|s)?)?)(?![a-z])/gi,
  )) {
    total += Number(m[1]) * (UNIT_MS[m[2]!.charAt(0).toLowerCase()] ?? 0);
    found = true;
  }
  return found ? Math.round(total) : null;
}

/** How long ago a wall-clock reset may have struck and still be this one, not tomorrow's. */
const JUST_PASSED_MS = 10 * 60_000;

/**
 * The next moment after `after` that a wall-clock time ("12:00 PM", "5pm", "17:30") names, in the
 * local time zone — the worker ran on this machine, so it printed this machine's local time.
 */
function nextClockTime(text: string, after: Date): Date | null {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i.exec(text.trim());
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const meridiem = m[3]?.charAt(0).toLowerCase();
  if (meridiem === 'p' && hour < 12) hour += 12;
  if (meridiem === 'a' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || (!meridiem && m[2] === undefined)) return null;
  const at = new Date(after);
  at.setHours(hour, minute, 0, 0);
  // Named to the minute, it may have struck just before the exit was seen: that is the reset
  // passing now, not tomorrow's (a wait of a day for a quota already back).
  if (at.getTime() <= after.getTime() - JUST_PASSED_MS) at.setDate(at.getDate() + 1);
  return at;
}

/**
 * When a quota resets, from the ways the CLIs say it: "try again in 20s", "retry in 1m", Codex's
 * "try again at 12:00 PM" (local time), Claude's "usage limit reached|<epoch seconds>", an ISO
 * time after "reset", or the free text after "resets" ("resets 3pm (UTC)"), kept as said.
 */
export function findQuotaReset(text: string, exitedAt?: Date): QuotaReset | null {
  const epoch = /limit reached\|(\d{10})\b/i.exec(text);
  if (epoch) {
    const at = new Date(Number(epoch[1]) * 1000).toISOString();
    return { at, text: at };
  }
  const iso =
    /reset[a-z]*\W{0,3}(?:at\s+)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))/i.exec(
      text,
    );
  if (iso) return { at: new Date(iso[1]!).toISOString(), text: iso[1]! };
  const relative =
    /(?:try again|retry|retry after|resets?)\s+in\s+([\d.]+\s*[a-z]+(?:,?\s*(?:and\s+)?[\d.]+\s*[a-z]+)*)/i.exec(text);
  if (relative) {
    const ms = durationMs(relative[1]!);
    if (ms !== null)
      return {
        ...(exitedAt && { at: new Date(exitedAt.getTime() + ms).toISOString() }),
        text: `in ${relative[1]!.trim()}`,
      };
  }
  const clock = /try again (?:at|after)\s+(\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m)?)/i.exec(text);
  if (clock) {
    const at = exitedAt && nextClockTime(clock[1]!, exitedAt);
    return { ...(at && { at: at.toISOString() }), text: `at ${clock[1]!.trim()}` };
  }
  const free = /\bresets?\s+(?:at\s+)?([^.·|]{1,40}?)\s*(?:$|[.·|])/i.exec(text);
  if (free) return { text: free[1]!.trim() };
  return null;
}
