// Replaced by build.mjs with package.json's version; absent when sources run directly (tests).
declare const __DISPATCH_VERSION__: string | undefined;

/** This CLI's version, inlined at build time so `--version` reads no file. */
export const VERSION: string =
  typeof __DISPATCH_VERSION__ === 'string' ? __DISPATCH_VERSION__ : '0.0.0-dev';
