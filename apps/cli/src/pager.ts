import { spawn } from 'node:child_process';

/**
 * Shows `text` through `pager`, a shell command run as git runs its pager (`sh -c`, with git's
 * defaults LESS=FRX and LV=-c unless the user set them), and resolves when the pager has exited.
 * Resolves false when the pager could not be started (sh's 127), for the caller to print instead.
 */
export function page(text: string, pager: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  // Ctrl-C reaches the whole foreground group: the pager decides what it means, we wait for it.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise<boolean>((resolve, reject) => {
    const child = spawn('sh', ['-c', pager], {
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' },
    });
    child.stdin.on('error', ignore); // EPIPE: the user quit the pager before the end
    child.on('error', reject);
    child.on('close', (code) => resolve(code !== 127));
    child.stdin.end(text);
  }).finally(() => process.off('SIGINT', ignore));
}
