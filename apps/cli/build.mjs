// Builds the CLI into dist/: `dispatch.js`, a tiny launcher (the bin), and two CommonJS bundles it
// runs from a V8 code cache — `core.js` (the commands called all day: run, status, wait, answer,
// ask, ...) and `full.js` (every command, with the inspector, the MCP server and the daemon) — and,
// beside them in `lazy/`, the packages the core bundle loads on first use. See
// docs/decisions/0025-start-up.md. No file resolves a dependency at run time.
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildId } from '../../scripts/build-id.mjs';
import { directImports } from './direct-imports.mjs';

const here = new URL('.', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', here), 'utf8'));
const outdir = new URL('dist/', here).pathname;

// Identifies the config parsing code (the config package's sources and the yaml it runs on): the
// CLI's config parse cache is keyed by it, so a cache written by other code is never trusted.
async function configCodeId() {
  const src = new URL('../../packages/config/src/', here);
  const hash = createHash('sha256');
  const files = (await readdir(src, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  for (const file of files) hash.update(file).update(await readFile(new URL(file, src)));
  const yaml = JSON.parse(
    await readFile(new URL('../../packages/config/node_modules/yaml/package.json', here), 'utf8'),
  );
  return `${hash.update(yaml.version).digest('hex').slice(0, 16)}`;
}

/**
 * Command modules only the full bundle holds (their commands are in FULL_BUNDLE_COMMANDS of
 * src/launch/pick-bundle.ts): big dependencies (the MCP SDK, the inspector's server, the daemon
 * with chokidar) that no command of the core bundle needs.
 */
const FULL_ONLY_MODULES = new Set(
  [
    'commands/clean.ts',
    'commands/completion.ts',
    'commands/config.ts',
    'commands/daemon.ts',
    'commands/demo.ts',
    'commands/doctor.ts',
    'commands/help.ts',
    'commands/init.ts',
    'commands/inspect.ts',
    'commands/mcp.ts',
    'commands/skill.ts',
    'commands/worktree.ts',
    'mcp/install/command.ts',
  ].map((m) => new URL(`src/${m}`, here).pathname),
);

/**
 * In the core bundle, `import()` of a full-only module yields a stand-in whose every export hands
 * the command line over to the full bundle (src/launch/hand-over.ts). A static import keeps the
 * real module, so only what is loaded on demand is left out.
 */
const handOverModules = {
  name: 'dispatch-hand-over',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const path = resolve(dirname(args.importer), args.path).replace(/\.js$/, '.ts');
      return FULL_ONLY_MODULES.has(path) ? { path, namespace: 'hand-over' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'hand-over' }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const names = [...text.matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)].map((m) => m[1]);
      const handOver = new URL('src/launch/hand-over.ts', here).pathname;
      return {
        contents: [
          `import { handOver } from ${JSON.stringify(handOver)};`,
          ...names.map((name) => `export const ${name} = handOver;`),
        ].join('\n'),
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/**
 * A CommonJS stand-in for a module that is loaded on its first use: it lists the module's names as
 * its own keys, so the bundle's ESM interop sees every name without loading anything; a name's
 * value is fetched from the real module (`require(request)`) when the code reads it.
 */
function standIn(names, request) {
  const keys = names.filter((name) => name !== '__esModule');
  return `let real;
const names = Object.fromEntries(${JSON.stringify(keys)}.map((name) => [name, undefined]));
${names.includes('__esModule') ? 'names.__esModule = true;\n' : ''}module.exports = new Proxy(names, {
  get: (names, key) => (key === '__esModule' ? names[key] : (real ??= require(${JSON.stringify(request)}))[key]),
});`;
}

/**
 * Our own modules' `node:fs/promises`, loaded on first use (the core bundle only). Most short
 * commands read the protocol's small files with sync calls and never touch it, and its first
 * require loads eight of node's internal modules (its FileHandle, readline, watchers). An ES module
 * of forwarders (every export but `constants` is a function), so each importer links to its names
 * directly: a CommonJS stand-in costs every importing module a copy of all thirty of them.
 */
const lazyFsPromises = {
  name: 'dispatch-lazy-fs-promises',
  async setup(build) {
    const real = await import('node:fs/promises');
    const functions = Object.keys(real).filter((name) => name !== 'default' && typeof real[name] === 'function');
    build.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
      args.namespace === 'lazy-fs-promises' || /[/\\]node_modules[/\\]/.test(args.importer)
        ? undefined
        : { path: 'fs/promises', namespace: 'lazy-fs-promises' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-fs-promises' }, () => ({
      loader: 'js',
      contents: [
        'let real;',
        "const load = () => (real ??= require('node:fs/promises'));",
        "export { constants } from 'node:fs';",
        ...functions.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
      ].join('\n'),
    }));
  },
};

/**
 * Packages the core bundle's commands seldom run, each built as its own file in `dist/lazy/` and
 * required on first use through a stand-in (the core bundle only): yaml parses the config only
 * when its parse cache misses (after an edit), execa runs git for worktree tasks and a cluster's
 * commands, proper-lockfile guards config edits. Every command reads the bundle and deserializes
 * a code cache holding an entry per function of it: these were a third of its bytes.
 */
const LAZY_PACKAGES = { yaml: 'yaml', execa: 'execa', 'proper-lockfile': 'proper-lockfile' };
const lazyPackages = {
  name: 'dispatch-lazy-packages',
  setup(build) {
    const built = new Map();
    const filter = new RegExp(`^(${Object.keys(LAZY_PACKAGES).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      /[/\\]node_modules[/\\]/.test(args.importer) || args.namespace === 'lazy-package'
        ? undefined
        : { path: args.path, namespace: 'lazy-package', pluginData: { resolveDir: args.resolveDir } },
    );
    // The stand-in's own require of the file beside the bundle stays a require.
    build.onResolve({ filter: /^\.\/lazy\// }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, async (args) => {
      const file = `${LAZY_PACKAGES[args.path]}.js`;
      if (!built.has(file)) built.set(file, buildLazyPackage(args.path, args.pluginData.resolveDir, file));
      return { loader: 'js', contents: standIn(await built.get(file), `./lazy/${file}`) };
    });
  },
};

/** Builds `dist/lazy/<file>` from a package (resolved from `resolveDir`); its export names. */
async function buildLazyPackage(name, resolveDir, file) {
  const result = await build({
    ...shared,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir, loader: 'js' },
    minify: true,
  });
  const path = `${outdir}lazy/${file}`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, ascii(result.outputFiles[0].text));
  return Object.keys(createRequire(import.meta.url)(path));
}

/** commander's eager `require('node:child_process')`, made lazy (lazy-child-process.cjs). */
const lazyChildProcess = {
  name: 'dispatch-lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[/\\]commander[/\\]/.test(args.importer)
        ? { path: new URL('lazy-child-process.cjs', here).pathname }
        : undefined,
    );
  },
};

/**
 * V8 keeps a source with one non-ASCII character as two bytes per character and decodes it more
 * slowly; esbuild escapes strings but leaves regular expressions and comments as written. A
 * `\uXXXX` escape means the same there, so the bundles are plain ASCII (the launcher reads them as
 * Latin-1, a plain copy).
 */
function ascii(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const shared = {
  absWorkingDir: here.pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Workspace packages are bundled from their TypeScript sources, never a stale dist/.
  conditions: ['@dispatch/source'],
  // The inspector's chart is laid out at build time (dist/inspector-ui/chart.json); ELK, 3.4 MB,
  // is only its fallback and stays out of the bundle.
  external: ['elkjs', 'elkjs/*'],
  // jsonc-parser's `main` is a UMD build whose dynamic require() esbuild cannot follow; its ESM
  // build (the package's `module`) bundles cleanly.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/**
 * Node's CommonJS wrapper, strict like the ES modules the bundle is built from: the bundle is stored
 * already wrapped, so the launcher compiles it as read, without copying megabytes into a new string
 * first (src/launch/code-cache.ts).
 */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {"use strict";', '\n})'];

/** A bundle of `src/main.ts` (it exports `main`), minified, ASCII, and its content hash. */
async function bundle(name, plugins) {
  const result = await build({
    ...shared,
    entryPoints: { [name]: 'src/main.ts' },
    outdir,
    // Shorter names make a smaller code cache, deserialized by every command (decision 0025).
    // DISPATCH_UNMINIFIED=1 keeps the names, for reading a --cpu-prof of a command.
    minify: process.env.DISPATCH_UNMINIFIED !== '1',
    // Sources find files beside them (the sim worker, the inspector's page) from import.meta.url.
    define: {
      'import.meta.url': '__dispatchBundleUrl',
      __DISPATCH_VERSION__: JSON.stringify(pkg.version),
      __DISPATCH_BUILD_ID__: JSON.stringify(await buildId()),
      __DISPATCH_CONFIG_CODE_ID__: JSON.stringify(await configCodeId()),
    },
    banner: { js: "var __dispatchBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [...plugins, lazyChildProcess, directImports],
  });
  const text = WRAPPER[0] + ascii(result.outputFiles[0].text) + WRAPPER[1];
  await writeFile(`${outdir}${name}.js`, text);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
// The package is ESM ("type": "module"); its built files are CommonJS, which starts faster.
await writeFile(`${outdir}package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);
const hashes = {
  core: await bundle('core', [handOverModules, lazyFsPromises, lazyPackages]),
  full: await bundle('full', []),
};
await build({
  ...shared,
  write: true,
  entryPoints: { dispatch: 'src/launch/launcher.ts' },
  outdir,
  define: { __DISPATCH_BUNDLE_HASHES__: JSON.stringify(hashes) },
});
await chmod(new URL('dist/dispatch.js', here), 0o755);

// The simulated worker (the built-in `sim` model) ships beside the bundle; see simWorkerPath().
await mkdir(new URL('dist/sim/', here), { recursive: true });
await copyFile(
  new URL('../../packages/backends/sim/dispatch-sim-worker.sh', here),
  new URL('dist/sim/dispatch-sim-worker.sh', here),
);

// The host-agent skill (`dispatch skill install`) ships beside the bundle too.
await mkdir(new URL('dist/skills/dispatch/', here), { recursive: true });
await copyFile(new URL('../../skills/dispatch/SKILL.md', here), new URL('dist/skills/dispatch/SKILL.md', here));

// The inspector's page (built by Vite in apps/inspector) ships beside the bundle as static files;
// inspectorUiDir() finds it from the bundle in dist/ as ./inspector-ui/.
await cp(new URL('../inspector/dist/ui/', here), new URL('dist/inspector-ui/', here), { recursive: true });
