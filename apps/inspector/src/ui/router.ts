import { useEffect, useState } from 'preact/hooks';

/** Where the page is: the list, or one task (`#/task/<id>`, `#/task/<id>?ws=<key>` elsewhere). */
export type Route = { page: 'list'; filter: string } | { page: 'task'; id: string; ws: string | null };

/** Parses `location.hash`. */
export function parseRoute(hash: string): Route {
  const m = /^#\/task\/([a-z0-9][a-z0-9-]{0,63})(?:\?ws=([0-9a-f]{16}))?$/.exec(hash);
  if (m) return { page: 'task', id: m[1]!, ws: m[2] ?? null };
  const f = /^#\/\?state=([a-z-]+)$/.exec(hash);
  return { page: 'list', filter: f?.[1] ?? 'all' };
}

/** The link of a task (the current workspace's need no key). */
export function taskHref(id: string, ws: string, current: boolean): string {
  return current ? `#/task/${id}` : `#/task/${id}?ws=${ws}`;
}

/** The route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
