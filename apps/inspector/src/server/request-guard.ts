import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a script may send the token in instead of the cookie. */
export const TOKEN_HEADER = 'x-dispatch-token';

/** Constant-time comparison of a presented token with the real one. */
export function sameToken(presented: string | undefined | null, token: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(token, 'utf8');
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time anyway.
  if (a.length !== b.length) return timingSafeEqual(b, b) && false;
  return timingSafeEqual(a, b);
}

/** The names the browser may reach this server by: 127.0.0.1, and `localhost`/`[::1]` only while ::1 is ours too. */
export function serverHosts(port: number, ipv6: boolean): string[] {
  return ipv6 ? [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`] : [`127.0.0.1:${port}`];
}

/**
 * Whether the Host header names this server as the browser reached it. A DNS-rebinding page
 * reaches us under its own name and is refused; so is `localhost` when another user holds
 * `[::1]:<port>` (a browser may try ::1 first, and would hand that user the token).
 */
export function hostAllowed(req: IncomingMessage, hosts: readonly string[]): boolean {
  return hosts.includes(req.headers.host ?? '');
}

/**
 * Whether a state-changing request may come from where it says: a browser names its page's
 * origin, which must be this server's; a request without one comes from no page (a script with
 * the token) and passes. Any other page's request is refused even with a leaked token.
 */
export function originAllowed(req: IncomingMessage, hosts: readonly string[]): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.some((h) => origin === `http://${h}`);
}

/** The token the request presents: `?token=` (the printed URL, the page's event stream) or the header. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('token');
  if (query !== null) return query;
  const header = req.headers[TOKEN_HEADER];
  return typeof header === 'string' ? header : undefined;
}

/** A fresh random token: 32 bytes from the system's CSPRNG, hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}
