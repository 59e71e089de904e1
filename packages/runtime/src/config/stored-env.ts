import { allowedEnv, NOTIFY_ENV_NAMES } from '@dispatch/backends';
import type { DispatchConfig } from '@dispatch/config';

/**
 * What the registration keeps of the caller's environment (0600, under DISPATCH_HOME): the
 * allow-list, the names any configured backend's `env:` lists (a fallback onto another backend
 * still finds its keys) and the notify hook's display and D-Bus variables; all of it when a
 * backend says `env: all`.
 */
export function storedEnv(env: NodeJS.ProcessEnv, config: DispatchConfig | null): Record<string, string> {
  const backends = Object.values(config?.backends ?? {});
  if (backends.some((b) => b.env === 'all')) return allowedEnv(env, 'all') as Record<string, string>;
  return allowedEnv(env, [...NOTIFY_ENV_NAMES, ...backends.flatMap((b) => (b.env === 'all' ? [] : b.env))]) as Record<
    string,
    string
  >;
}
