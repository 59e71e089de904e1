import { DispatchError } from '../errors.js';

/** git in `cwd`, never prompting. execa is loaded with the first git command: most commands (a `run` outside a worktree) run none. */
async function runGit(cwd: string, args: readonly string[]) {
  const { execa } = await import('execa');
  return execa('git', args, {
    cwd,
    reject: false,
    stdin: 'ignore',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
}

/** Runs git in `cwd`; a failure is one clear line (git's own last line of stderr). */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const r = await runGit(cwd, args);
  if (r.exitCode !== 0 || r.failed) {
    const why =
      String(r.stderr || r.stdout || r.shortMessage)
        .trim()
        .split('\n')
        .filter(Boolean)
        .at(-1) ?? 'failed';
    throw new DispatchError('failure', `git ${args[0]}: ${why.replace(/^(fatal|error): /, '')}`);
  }
  return String(r.stdout);
}

/** Like `git`, but the exit code instead of an error (for checks). */
export async function gitStatus(
  cwd: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runGit(cwd, args);
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
