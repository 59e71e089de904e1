import { join } from 'node:path';
import { ASYNC_FS, findGitTop, type FsCalls } from '@dispatch/ipc-fs';

/**
 * Keeps `.dispatch/` out of git without touching the user's .gitignore: one line in the
 * repository's `.git/info/exclude`. Creates `info/` inside an existing `.git` directory only,
 * never `.git` itself: a `.git` gone since it was found (or a worktree's `.git` file) is left
 * alone, for a made-up `/tmp/.git` would turn every folder below into one "repository".
 */
export async function excludeFromGit(dispatchDir: string, fs: FsCalls = ASYNC_FS): Promise<void> {
  const top = findGitTop(dispatchDir);
  if (!top) return;
  const exclude = join(top, '.git', 'info', 'exclude');
  let current: string | null = null;
  try {
    current = await fs.readText(exclude);
  } catch {
    try {
      await fs.mkdir(join(top, '.git', 'info'), { mode: 0o777 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return;
    }
  }
  if (!(current ?? '').split('\n').includes('.dispatch/'))
    await fs.appendText(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}.dispatch/\n`);
}
