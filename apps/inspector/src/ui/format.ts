/** `3m`, `2h`, `4d`: how long ago, as the list shows it. */
export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `2:05` left, `1:02:05` past an hour, or `0:00`. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/** `14:05`, or `Mar 3, 14:05` for a moment on another day than `nowMs`. */
export function hourMinute(ms: number, nowMs: number): string {
  const at = new Date(ms);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  if (at.toDateString() === new Date(nowMs).toDateString()) return time;
  return `${at.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
}

/** Clock time of an epoch-ms moment. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/**
 * A quota wait as the page says it at `nowMs` (the server's clock): `waiting for quota — resets
 * in 4:32, at 14:05`, and once the reset has come, that the daemon starts the task again.
 */
export function quotaWaitText(untilMs: number, nowMs: number): string {
  const at = hourMinute(untilMs, nowMs);
  const left = untilMs - nowMs;
  return left > 0
    ? `waiting for quota — resets in ${countdown(left)}, at ${at}`
    : `quota reset at ${at} — starting again…`;
}
