import { chmod, lstat, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrno, writeFileAtomic } from '@dispatch/ipc-fs';
import { DispatchError } from '@dispatch/runtime';

/** A host's config file as read: where it is written (a symlink's target), its text and mode. */
export interface ConfigFile {
  /** The path the host reads. */
  path: string;
  /** Where a write goes: `path`, or the file a symlink there points to (dotfile managers link them). */
  target: string;
  /** Null when there is no file yet. */
  text: string | null;
  mode: number | null;
}

/** Reads a host's config file, following a symlink to the file it points to. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  try {
    await lstat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { path, target: path, text: null, mode: null };
    throw err;
  }
  const target = await realpath(path).catch((err: unknown) => {
    throw new DispatchError('input', `${path} is a symlink to a file that does not exist; fix or remove it`, {
      reason: 'dangling-host-config',
      file: path,
      cause: err,
    });
  });
  const [text, info] = await Promise.all([readFile(target, 'utf8'), stat(target)]);
  return { path, target, text, mode: info.mode & 0o7777 };
}

/**
 * Replaces the file atomically (a temp file beside it, then rename), through a symlink to its
 * target, keeping the file's mode; a new file gets `newMode`.
 */
export async function writeConfigFile(file: ConfigFile, text: string, newMode: number): Promise<void> {
  await mkdir(dirname(file.target), { recursive: true });
  const mode = file.mode ?? newMode;
  await writeFileAtomic(file.target, text, { mode });
  // The temp file's mode passed through the umask; set the original one exactly.
  await chmod(file.target, mode);
}
