import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findGitTop } from '@dispatch/ipc-fs';

/**
 * Keeps `.dispatch/` out of git without touching the user's .gitignore: one line in the
 * repository's `.git/info/exclude`. Creates `info/` inside an existing `.git` directory only,
 * never `.git` itself: a `.git` gone since it was found (or a worktree's `.git` file) is left
 * alone, for a made-up `/tmp/.git` would turn every folder below into one "repository".
 */
export async function excludeFromGit(dispatchDir: string): Promise<void> {
  const top = findGitTop(dispatchDir);
  if (!top) return;
  const exclude = join(top, '.git', 'info', 'exclude');
  const current = await readFile(exclude, 'utf8').catch(() => null);
  if (current === null) {
    const made = await mkdir(join(top, '.git', 'info')).then(
      () => true,
      (err: NodeJS.ErrnoException) => err.code === 'EEXIST',
    );
    if (!made) return;
  }
  if (!(current ?? '').split('\n').includes('.dispatch/'))
    await appendFile(exclude, `${current && !current.endsWith('\n') ? '\n' : ''}.dispatch/\n`);
}
