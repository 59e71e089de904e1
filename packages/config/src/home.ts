import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The user's dispatch folder: `$DISPATCH_HOME`, else `~/.dispatch`. It holds config.yaml and the
 * daemon's files, never a workspace's tasks.
 * @example dispatchHome({ DISPATCH_HOME: '/tmp/h' }) // '/tmp/h'
 */
export function dispatchHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.DISPATCH_HOME?.trim();
  return home ? resolve(home) : join(homedir(), '.dispatch');
}

/** Where config.yaml lives: `$DISPATCH_HOME/config.yaml`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dispatchHome(env), 'config.yaml');
}
