#!/usr/bin/env node
// The dispatch executable (dist/dispatch.js). Kept tiny on purpose: it picks the bundle a command
// needs and runs it from a V8 code cache, so `dispatch status` costs little more than node itself.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCachedBundle } from './code-cache.js';
import { type BundleName, bundleFor, cacheKeyFor } from './pick-bundle.js';

/** Each bundle's content hash, written by the build. */
declare const __DISPATCH_BUNDLE_HASHES__: Record<BundleName, string>;

interface Bundle {
  main(argv: readonly string[]): Promise<number>;
}

const argv = process.argv.slice(2);
const startCwd = process.cwd();
const env = process.env;
// Beside the config (the user's own folder); DISPATCH_CODE_CACHE=0 runs without one.
const home = env.DISPATCH_HOME?.trim();
const cacheDir =
  env.DISPATCH_CODE_CACHE === '0' ? null : join(home ? resolve(home) : join(homedir(), '.dispatch'), 'cache', 'v8');

function load(name: BundleName): Bundle {
  return runCachedBundle<Bundle>({
    file: join(__dirname, `${name}.js`),
    hash: __DISPATCH_BUNDLE_HASHES__[name],
    cacheDir,
    key: cacheKeyFor(argv),
  });
}

// The core bundle hands a command it does not hold to the full one, which starts over from the
// same arguments and directory (a `-C` may have moved it already).
(globalThis as Record<symbol, unknown>)[Symbol.for('dispatch.handOver')] = (): Promise<number> => {
  process.chdir(startCwd);
  return load('full').main(argv);
};

// exitCode rather than process.exit(): output still being written (a terminal) is flushed first.
void load(bundleFor(argv))
  .main(argv)
  .then((code) => {
    process.exitCode = code;
  });
