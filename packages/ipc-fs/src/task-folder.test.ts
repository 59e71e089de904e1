import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test/tmp.js';
import { diskWriteError, IpcError } from './errors.js';
import { ASYNC_FS, type FsCalls, SYNC_FS } from './fs-calls.js';
import { taskPaths } from './paths.js';
import { renderPlan } from './plan/serialize.js';
import { createTaskFolder } from './task-folder.js';
import type { TaskFile } from './task-file.js';

const task = (id: string): TaskFile => ({
  id,
  title: id,
  prompt: id,
  model: 'sim',
  backend: 'sim',
  options: {},
  createdAt: new Date().toISOString(),
});
const errno = (code: string) => Object.assign(new Error(`${code}: some message, write`), { code });

// A full disk when plan.md is written (and only then), for the clean-up test.
const disk = vi.hoisted(() => ({ planFull: false }));
vi.mock('./atomic-write.js', async (original) => {
  const real = await original<typeof import('./atomic-write.js')>();
  return {
    ...real,
    writeFileAtomic: async (path: string, ...rest: unknown[]) => {
      if (disk.planFull && path.endsWith('plan.md'))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (real.writeFileAtomic as (...args: unknown[]) => Promise<void>)(path, ...rest);
    },
  };
});

// With its file calls on the thread pool, and blocking, as `run` makes them (fs-calls.ts).
describe.each([
  ['on the thread pool', ASYNC_FS],
  ['blocking', SYNC_FS],
] as [string, FsCalls][])('createTaskFolder, %s', (_, fs) => {
  it('makes the folder, its subfolders, task.json and plan.md', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const paths = await createTaskFolder(dispatchDir, task('made'), renderPlan('made', ['a']), fs);
    expect(JSON.parse(readFileSync(paths.taskJson, 'utf8'))).toMatchObject({ id: 'made' });
    expect(readFileSync(paths.plan, 'utf8')).toBe(renderPlan('made', ['a']));
    expect(readdirSync(paths.dir).sort()).toEqual(['attempts', 'ipc', 'plan.md', 'requests', 'task.json']);
    expect(statSync(dispatchDir).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder at the id that holds what dispatch did not make, and writes nothing', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    await createTaskFolder(dispatchDir, task('first'), renderPlan('first', ['a']), fs);
    const planted = taskPaths(dispatchDir, 'planted');
    mkdirSync(join(planted.dir, 'ipc'), { recursive: true, mode: 0o700 });
    writeFileSync(join(planted.dir, 'ipc', '001.answer'), 'yes');
    await expect(createTaskFolder(dispatchDir, task('planted'), renderPlan('p', ['a']), fs)).rejects.toMatchObject({
      code: 'untrusted-folder',
    });
    expect(existsSync(planted.taskJson)).toBe(false);
  });

  it('removes what it made when the plan cannot be written: no task without a plan is left', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const paths = taskPaths(dispatchDir, 'half');
    disk.planFull = true;
    try {
      await expect(createTaskFolder(dispatchDir, task('half'), renderPlan('half', ['a']), fs)).rejects.toThrow(
        /ENOSPC/,
      );
    } finally {
      disk.planFull = false;
    }
    expect(existsSync(paths.dir)).toBe(false);
  });

  it('leaves alone the folder of a creator that claimed the id first', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const first = await createTaskFolder(dispatchDir, task('same'), renderPlan('same', ['a']), fs);
    await writeFile(join(first.ipc, '001.question'), 'mine?');
    await expect(createTaskFolder(dispatchDir, task('same'), renderPlan('same', ['b']), fs)).rejects.toMatchObject({
      code: 'task-exists',
    });
    expect(existsSync(join(first.ipc, '001.question'))).toBe(true);
  });
});

describe('diskWriteError', () => {
  it('names the file meant and what to do when the disk refuses a write', () => {
    const full = diskWriteError(errno('ENOSPC'), '/w/plan.md');
    expect(full).toBeInstanceOf(IpcError);
    expect(full).toMatchObject({
      code: 'io',
      file: '/w/plan.md',
      message: 'cannot write /w/plan.md: the disk is full (ENOSPC): free some space and try again',
    });
    expect((diskWriteError(errno('EROFS'), '/w/x') as IpcError).message).toBe(
      'cannot write /w/x: the file system is read-only (EROFS)',
    );
  });

  it('returns any other error unchanged', () => {
    const other = errno('EACCES');
    expect(diskWriteError(other, '/w/x')).toBe(other);
  });
});
