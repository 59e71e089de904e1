// Bundles the CLI into dist/dispatch.js (plus one chunk per lazily imported command) so the bin is
// a single runnable file tree with no runtime dependency resolution.
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
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

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: here.pathname,
  entryPoints: { dispatch: 'src/main.ts' },
  outdir,
  bundle: true,
  // Lazily imported commands become their own chunks, so start-up parses only what runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
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
  // Bundled CommonJS dependencies (commander) call require(); ESM has none, so make one.
  // The entry's own `#!/usr/bin/env node` line is kept by esbuild above this banner.
  banner: {
    js:
      "import { createRequire as __dispatchCreateRequire } from 'node:module';\n" +
      'const require = __dispatchCreateRequire(import.meta.url);',
  },
  define: {
    __DISPATCH_VERSION__: JSON.stringify(pkg.version),
    __DISPATCH_BUILD_ID__: JSON.stringify(await buildId()),
    __DISPATCH_CONFIG_CODE_ID__: JSON.stringify(await configCodeId()),
  },
  plugins: [directImports],
  legalComments: 'none',
  logLevel: 'warning',
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
// inspectorUiDir() finds it from the inspect chunk in dist/chunks/ as ../inspector-ui/.
await cp(new URL('../inspector/dist/ui/', here), new URL('dist/inspector-ui/', here), { recursive: true });
