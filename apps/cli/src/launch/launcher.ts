#!/usr/bin/env node
// The dispatch executable (dist/dispatch.js). Kept tiny on purpose: it picks the bundle a command
// needs and runs it from a V8 code cache, so `dispatch status` costs little more than node itself.
import { homedir } from 'node:os';
import { join } from 'node:path';
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
// The user's cache folder (XDG), shared by every DISPATCH_HOME: a build's bytecode is the same for
// all of them. DISPATCH_CODE_CACHE=0 runs without one.
const xdg = env.XDG_CACHE_HOME?.trim();
const cacheDir =
  env.DISPATCH_CODE_CACHE === '0'
    ? null
    : join(xdg?.startsWith('/') ? xdg : join(homedir(), '.cache'), 'dispatch', 'v8');

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

// DISPATCH_BUNDLE=core|full starts with that bundle (diagnosis, tests of the hand-over).
const first = env.DISPATCH_BUNDLE === 'core' || env.DISPATCH_BUNDLE === 'full' ? env.DISPATCH_BUNDLE : bundleFor(argv);

// exitCode rather than process.exit(): output still being written (a terminal) is flushed first.
void load(first)
  .main(argv)
  .then((code) => {
    process.exitCode = code;
  });
