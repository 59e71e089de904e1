import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The cookie the page gets, named per port (cookies ignore ports; two inspectors must not mix). */
export function cookieName(port: number): string {
  return `dispatch_inspector_${port}`;
}

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

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Whether the Host header names this server as the browser reached it: only `127.0.0.1:<port>`
 * or `localhost:<port>`. A DNS-rebinding page reaches us under its own name and is refused.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** The token the request presents: `?token=` (the printed URL), the header, or the page's cookie. */
export function presentedToken(
  req: IncomingMessage,
  url: URL,
  port: number,
): { token: string | undefined; via: 'query' | 'header' | 'cookie' | null } {
  const query = url.searchParams.get('token');
  if (query !== null) return { token: query, via: 'query' };
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return { token: header, via: 'header' };
  const cookie = cookieValue(req, cookieName(port));
  return cookie === undefined ? { token: undefined, via: null } : { token: cookie, via: 'cookie' };
}

/** A fresh random token: 32 bytes from the system's CSPRNG, hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}
