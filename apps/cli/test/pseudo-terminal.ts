import { execa } from 'execa';
import { bin } from './built-binary.js';
import type { E2eWorkspace } from './e2e-workspace.js';

/**
 * The built `dispatch` with `args` on a real pseudo-terminal: `script` gives it a TTY on stdin and
 * stdout, fed from our pipe. `plain()` is what was printed, escape sequences and runs of
 * whitespace flattened, for matching menus.
 */
export function onTerminal(w: E2eWorkspace, args: string) {
  const tty = execa('script', ['-qfec', `node ${bin} ${args}`, '/dev/null'], {
    cwd: w.dir,
    env: { ...w.env, TERM: 'xterm' },
    extendEnv: false,
    reject: false,
  });
  let screen = '';
  tty.stdout?.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  const plain = () => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ');
  return { tty, plain, screen: () => screen };
}
