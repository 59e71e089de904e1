import { useEffect, useRef, useState } from 'preact/hooks';
import { token } from './api.js';

/** A change pushed by the server: task `id` of workspace `ws` may look different. */
export interface Change {
  ws: string;
  id: string;
}

/**
 * Follows the server's event stream (EventSource sends no headers: the token goes in its URL).
 * It reconnects by itself after a dropped connection; a restarted inspector has a new token, so
 * this page then stays disconnected until the new URL is opened. `onResync` runs on every
 * (re)connect so nothing missed meanwhile stays stale.
 */
export function useLive(onChange: (c: Change) => void, onResync: () => void): boolean {
  const [connected, setConnected] = useState(false);
  const handlers = useRef({ onChange, onResync });
  handlers.current = { onChange, onResync };
  useEffect(() => {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.addEventListener('hello', () => {
      setConnected(true);
      handlers.current.onResync();
    });
    source.addEventListener('change', (e) =>
      handlers.current.onChange(JSON.parse((e as MessageEvent<string>).data) as Change),
    );
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);
  return connected;
}

/** Now, ticking every `ms` (for ages and countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
