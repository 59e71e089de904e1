// The build id of dispatch's daemon code: a hash of the sources of the packages a daemon runs
// (core, ipc-fs, backends, config, runtime; tests left out) and their versions. The CLI's bundle
// and the runtime's own dist are built with the same id from the same sources, so a CLI and an
// app embedding the runtime share one daemon; a daemon of other code is replaced.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['core', 'ipc-fs', 'backends', 'config', 'runtime'];

/** The build id (16 hex digits) of the packages' sources as they are on disk now. */
export async function buildId() {
  const hash = createHash('sha256');
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name);
    hash.update(await readFile(join(dir, 'package.json')));
    const src = join(dir, 'src');
    const files = (await readdir(src, { recursive: true }))
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .sort();
    for (const file of files) hash.update(`${name}/${file}\0`).update(await readFile(join(src, file)));
  }
  return hash.digest('hex').slice(0, 16);
}
