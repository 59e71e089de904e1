import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test/tmp.js';
import { diskWriteError, IpcError } from './errors.js';
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

describe('createTaskFolder', () => {
  it('removes what it made when the plan cannot be written: no task without a plan is left', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const paths = taskPaths(dispatchDir, 'half');
    disk.planFull = true;
    try {
      await expect(createTaskFolder(dispatchDir, task('half'), renderPlan('half', ['a']))).rejects.toThrow(/ENOSPC/);
    } finally {
      disk.planFull = false;
    }
    expect(existsSync(paths.dir)).toBe(false);
  });

  it('leaves alone the folder of a creator that claimed the id first', async () => {
    const dispatchDir = join(await tempDir(), '.dispatch');
    const first = await createTaskFolder(dispatchDir, task('same'), renderPlan('same', ['a']));
    await writeFile(join(first.ipc, '001.question'), 'mine?');
    await expect(createTaskFolder(dispatchDir, task('same'), renderPlan('same', ['b']))).rejects.toMatchObject({
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
