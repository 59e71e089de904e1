import { allowedEnv, NOTIFY_ENV_NAMES } from '@dispatch/backends';
import type { DispatchConfig } from '@dispatch/config';
import { replaceRegistrationEnv } from '@dispatch/ipc-fs';
import { userConfig } from './user-config.js';

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

/**
 * The next worker of a task gets this caller's environment (a CLI installed since, a new PATH),
 * cut as `run` stores it: written before the request or answer that starts that worker, which
 * makes the daemon reread it. A broken config keeps the stored one (the spawn will say why).
 */
export async function adoptCallerEnv(
  env: NodeJS.ProcessEnv,
  home: string,
  task: { dispatchDir: string; id: string },
): Promise<void> {
  const config = await userConfig(env).catch(() => undefined);
  if (config !== undefined) await replaceRegistrationEnv(home, task.dispatchDir, task.id, storedEnv(env, config));
}
