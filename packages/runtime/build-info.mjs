// After tsc: writes dist/build-info.json (the version and the build id a daemon compares, see
// scripts/build-id.mjs) and makes the runtime's own executable runnable.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { buildId } from '../../scripts/build-id.mjs';

const here = new URL('.', import.meta.url);
const { version } = JSON.parse(await readFile(new URL('package.json', here), 'utf8'));
await writeFile(new URL('dist/build-info.json', here), `${JSON.stringify({ version, buildId: await buildId() })}\n`);
await chmod(new URL('dist/bin/dispatch-runtime.js', here), 0o755);
