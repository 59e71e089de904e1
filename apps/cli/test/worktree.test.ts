import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until, type E2eWorkspace } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();
const gitWorker = new URL('./fixtures/workers/git-worker.sh', import.meta.url).pathname;

const git = async (cwd: string, ...args: string[]) => String((await execa('git', args, { cwd })).stdout);

/** A workspace that is a git repository with one commit, and a config whose model edits files. */
async function repoWorkspace(name: string, setup = 'echo setup-ran') {
  const w = e2eWorkspace(name);
  await git(w.dir, 'init', '-q', '-b', 'main');
  await git(w.dir, 'config', 'user.email', 'me@example.com');
  await git(w.dir, 'config', 'user.name', 'Me');
  writeFileSync(join(w.dir, 'README.md'), '# project\n');
  writeFileSync(join(w.dir, 'notes.txt'), 'committed notes\n');
  await git(w.dir, 'add', '-A');
  await git(w.dir, 'commit', '-q', '-m', 'first');
  writeFileSync(
    join(w.home, 'config.yaml'),
    `default: editor\nbackends:\n  gitw: { command: "sh ${gitWorker}" }\nmodels:\n  editor: { backend: gitw }\nworktree_setup: ${setup}\n`,
  );
  return w;
}

async function runDone(w: E2eWorkspace, id: string, ...args: string[]) {
  const r = await w.dispatch(['run', '--id', id, ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
  await until(async () => ['completed', 'failed'].includes(await w.state(id)));
  return r;
}

describe('worktree tasks', () => {
  it('discard, merge and diff act only on a worktree and branch dispatch made: a tampered worktree.json is refused (issue 15)', async () => {
    const w = await repoWorkspace('worktree-tampered');
    await runDone(w, 'wt', '--worktree', '--step', 'add alpha', 'add a file');
    // Someone else's worktree of the same repository, with work of its own on its branch.
    const victim = join(w.dir, '..', `${w.dir.split('/').pop()}-victim`);
    await git(w.dir, 'worktree', 'add', '-q', '-b', 'precious', victim);
    writeFileSync(join(victim, 'unsaved.txt'), 'uncommitted work\n');
    const record = join(w.dispatchDir, 'tasks/wt/worktree.json');
    const honest = JSON.parse(readFileSync(record, 'utf8')) as Record<string, string>;
    for (const forged of [
      { ...honest, path: victim, branch: 'precious' },
      { ...honest, branch: 'main' },
      { ...honest, baseCommit: '--output=/tmp/dispatch-pwned' },
    ]) {
      writeFileSync(record, JSON.stringify(forged));
      for (const command of ['discard', 'merge', 'diff']) {
        const r = await w.dispatch([command, 'wt']);
        expect(r.exitCode, `${command}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/worktree\.json: .*dispatch acts only on worktrees it made/);
      }
    }
    expect(readFileSync(join(victim, 'unsaved.txt'), 'utf8')).toBe('uncommitted work\n');
    expect(await git(w.dir, 'branch', '--list', 'precious', 'main')).toMatch(/main[\s\S]*precious|precious[\s\S]*main/);
    expect(existsSync('/tmp/dispatch-pwned')).toBe(false);
    writeFileSync(record, JSON.stringify(honest));
    expect((await w.dispatch(['discard', 'wt', '--force'])).exitCode).toBe(0); // its work was never merged
    await git(w.dir, 'worktree', 'remove', '--force', victim);
  });
  it('work on dispatch/<id> only; diff, merge and discard do what they say; the main tree is never touched', async () => {
    const w = await repoWorkspace('worktree');
    writeFileSync(join(w.dir, 'notes.txt'), 'my uncommitted edit\n'); // must survive everything
    writeFileSync(join(w.dir, 'scratch.txt'), 'unrelated untracked file\n');
    const r = await runDone(w, 'feat', '--worktree', '--step', 'add alpha', '--step', 'add beta', 'add two files');
    expect(r.stderr).toContain(`worktree ${join(w.dispatchDir, 'worktrees/feat')} on branch dispatch/feat`);
    expect(await w.state('feat')).toBe('completed');
    expect(readFileSync(join(w.dispatchDir, 'tasks/feat/worker.log'), 'utf8')).toContain('setup-ran');

    // The worker's commit is on its branch only; the main tree has neither file, and its edits are intact.
    expect(await git(w.dir, 'log', '--format=%s', 'dispatch/feat')).toBe('item 1: add alpha\nfirst');
    expect(await git(w.dir, 'log', '--format=%s', 'main')).toBe('first');
    expect(existsSync(join(w.dir, 'file-1.txt'))).toBe(false);
    expect(readFileSync(join(w.dir, 'notes.txt'), 'utf8')).toBe('my uncommitted edit\n');

    const diff = await w.dispatch(['diff', 'feat']);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('+++ b/file-1.txt');
    expect(diff.stdout).toContain('+++ b/file-2.txt'); // uncommitted in the worktree, new: still shown
    expect((await w.dispatch(['diff', 'feat', '--stat'])).stdout).toMatch(/2 files changed, 2 insertions/);

    const merge = await w.dispatch(['merge', 'feat']);
    expect(merge.exitCode, merge.stderr).toBe(0);
    expect(readFileSync(join(w.dir, 'file-1.txt'), 'utf8')).toBe('add alpha\n');
    expect(readFileSync(join(w.dir, 'file-2.txt'), 'utf8')).toBe('add beta\n');
    expect(readFileSync(join(w.dir, 'notes.txt'), 'utf8')).toBe('my uncommitted edit\n');
    expect(readFileSync(join(w.dir, 'scratch.txt'), 'utf8')).toBe('unrelated untracked file\n');
    expect((await git(w.dir, 'status', '--porcelain')).split('\n').sort()).toEqual([' M notes.txt', '?? scratch.txt']);

    const discard = await w.dispatch(['discard', 'feat']);
    expect(discard.exitCode, discard.stderr).toBe(0);
    expect(existsSync(join(w.dispatchDir, 'worktrees/feat'))).toBe(false);
    expect(await git(w.dir, 'branch', '--list', 'dispatch/feat')).toBe('');
    expect((await w.dispatch(['diff', 'feat'])).stderr).toBe(
      'dispatch: task feat has no worktree (it ran in the workspace itself, or was discarded)',
    );
  });

  it('merge refuses a conflict, and an untracked or modified file it would overwrite, leaving everything as it was', async () => {
    const w = await repoWorkspace('worktree-refuse');
    await runDone(w, 'clash', '--worktree', '--step', 'edit README with the feature', 'clash');
    writeFileSync(join(w.dir, 'README.md'), '# project\nchanged on main\n');
    await git(w.dir, 'commit', '-q', '-am', 'main moves on');
    const head = await git(w.dir, 'rev-parse', 'HEAD');
    const conflict = await w.dispatch(['merge', 'clash']);
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toMatch(
      /^dispatch: merging dispatch\/clash would conflict in README\.md: nothing was changed/,
    );
    expect(await git(w.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(join(w.dir, '.git/MERGE_HEAD'))).toBe(false);
    expect(await git(w.dir, 'status', '--porcelain')).toBe('');

    await runDone(w, 'newfile', '--worktree', '--step', 'add gamma', 'new file');
    writeFileSync(join(w.dir, 'file-1.txt'), 'mine, untracked\n');
    const overwrite = await w.dispatch(['merge', 'newfile']);
    expect(overwrite.exitCode).toBe(1);
    expect(overwrite.stderr).toMatch(
      /^dispatch: merging dispatch\/newfile would overwrite untracked files in the main tree \(file-1\.txt\): nothing was changed/,
    );
    expect(readFileSync(join(w.dir, 'file-1.txt'), 'utf8')).toBe('mine, untracked\n');
    expect(await git(w.dir, 'rev-parse', 'HEAD')).toBe(head);

    // A tracked file the branch changes, edited and not committed in the main tree.
    await runDone(w, 'readme', '--worktree', '--step', 'edit README once more', 'readme');
    writeFileSync(join(w.dir, 'README.md'), '# project\nchanged on main\nmy uncommitted line\n');
    const modified = await w.dispatch(['merge', 'readme']);
    expect(modified.exitCode).toBe(1);
    expect(modified.stderr).toMatch(
      /^dispatch: merging dispatch\/readme would overwrite uncommitted changes in the main tree \(README\.md\): nothing was changed/,
    );
    expect(readFileSync(join(w.dir, 'README.md'), 'utf8')).toBe('# project\nchanged on main\nmy uncommitted line\n');
    expect(await git(w.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(join(w.dir, '.git/MERGE_HEAD'))).toBe(false);
  });

  it('a failing setup command fails the task as setup; --worktree outside git and a taken branch are refused', async () => {
    const w = await repoWorkspace('worktree-setup', '"echo installing; exit 3"');
    await runDone(w, 'broken', '--worktree', '--step', 'add alpha', 'setup fails');
    const view = JSON.parse(String((await w.dispatch(['status', 'broken', '--json'])).stdout)) as {
      state: string;
      error: { kind: string; message: string };
    };
    expect(view).toMatchObject({
      state: 'failed',
      error: { kind: 'setup', message: expect.stringContaining('exit 3') },
    });
    expect(readFileSync(join(w.dispatchDir, 'tasks/broken/worker.log'), 'utf8')).toContain('installing');
    const taken = await w.dispatch(['run', '--id', 'broken2', '--worktree', '--step', 'a', 'x']);
    expect(taken.exitCode).toBe(0);
    await git(w.dir, 'branch', 'dispatch/again');
    const again = await w.dispatch(['run', '--id', 'again', '--worktree', '--step', 'a', 'x']);
    expect([again.exitCode, again.stderr]).toEqual([
      2,
      'dispatch: branch dispatch/again exists already: dispatch discard again, or choose another --id',
    ]);
    expect(existsSync(join(w.dispatchDir, 'tasks/again'))).toBe(false);

    const plain = e2eWorkspace('worktree-nogit');
    const refused = await plain.dispatch(['run', '--model', 'sim', '--worktree', '--step', 'a', 'x']);
    expect([refused.exitCode, refused.stderr]).toEqual([
      2,
      `dispatch: --worktree: ${plain.dir} is not in a git repository`,
    ]);
  });
});
