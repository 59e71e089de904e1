import { readFileSync } from 'node:fs';

// Replaced by the CLI's bundler; in the runtime's own dist they are read from build-info.json,
// which its build writes beside index.js. Sources run directly (tests) use neither.
declare const __DISPATCH_VERSION__: string | undefined;
declare const __DISPATCH_BUILD_ID__: string | undefined;

interface BuildInfo {
  version: string;
  buildId: string;
}

function readBuildInfo(): BuildInfo {
  if (typeof __DISPATCH_VERSION__ === 'string' && typeof __DISPATCH_BUILD_ID__ === 'string') {
    return { version: __DISPATCH_VERSION__, buildId: __DISPATCH_BUILD_ID__ };
  }
  try {
    return JSON.parse(readFileSync(new URL('./build-info.json', import.meta.url), 'utf8')) as BuildInfo;
  } catch {
    return { version: '0.0.0-dev', buildId: 'source' };
  }
}

const info = readBuildInfo();

/** dispatch's version, as `--version` and `daemon status` say it. */
export const VERSION: string = info.version;

/**
 * Identifies the code a daemon runs (a hash of the packages' sources, made at build time): a CLI
 * and an app built from the same source share one daemon; a daemon of other code is replaced.
 */
export const BUILD_ID: string = info.buildId;
