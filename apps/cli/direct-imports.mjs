// An esbuild plugin for the CLI's bundle: `import { a, b } from '@dispatch/pkg'` is bundled as
// imports of the modules that define `a` and `b`, read from the package's index.ts. The sources
// keep to the packages' front doors (tests/repo checks that); the bundle keeps its lazy chunks
// small. esbuild assigns whole files to chunks, so a barrel that every command imports would pull
// every module it re-exports (xstate, chokidar, yaml) into every command's start-up.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const PACKAGES = {
  core: 'packages/core',
  'ipc-fs': 'packages/ipc-fs',
  backends: 'packages/backends',
  config: 'packages/config',
  runtime: 'packages/runtime',
  inspector: 'apps/inspector',
};

/** The names a module re-exports (`export { a, b as c } from '...'`): local name → { module, imported }. */
const reexports = new Map();
function reexportsOf(path) {
  if (reexports.has(path)) return reexports.get(path);
  const map = new Map();
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/^export (type )?\{([^}]*)\} from '([^']+)';/gm)) {
    if (m[1]) continue; // types vanish from the bundle
    const from = m[3].startsWith('.') ? resolve(dirname(path), m[3]).replace(/\.js$/, '.ts') : m[3];
    for (const raw of m[2]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (raw.startsWith('type ')) continue;
      const [imported, local = imported] = raw.split(/\s+as\s+/);
      map.set(local, { module: from, imported });
    }
  }
  reexports.set(path, map);
  return map;
}

/** Where `name`, exported by module `path`, is defined: follows re-exports (barrels within barrels, other packages). */
function definitionOf(path, name) {
  for (let hops = 0; hops < 16; hops++) {
    const bare = /^@dispatch\/([a-z-]+)$/.exec(path);
    if (bare) path = join(root, PACKAGES[bare[1]], 'src/index.ts');
    const next = reexportsOf(path).get(name);
    if (!next) return { module: path, imported: name };
    path = next.module;
    name = next.imported;
  }
  throw new Error(`re-exports of ${name} go round in circles`);
}

/** The import statements that bring `names` of `@dispatch/pkg` straight from their modules. */
function direct(pkg, names) {
  const byModule = new Map();
  for (const raw of names) {
    if (raw.startsWith('type ')) continue;
    const [name, local = name] = raw.split(/\s+as\s+/);
    const index = join(root, PACKAGES[pkg], 'src/index.ts');
    if (!reexportsOf(index).has(name)) throw new Error(`@dispatch/${pkg} has no export ${name} in its index.ts`);
    const target = definitionOf(index, name);
    const list = byModule.get(target.module) ?? [];
    list.push(target.imported === local ? local : `${target.imported} as ${local}`);
    byModule.set(target.module, list);
  }
  return [...byModule]
    .map(([module, list]) => `import { ${list.join(', ')} } from ${JSON.stringify(module)};`)
    .join('\n');
}

/** The plugin: rewrites front-door imports of workspace packages in the workspace's own sources. */
export const directImports = {
  name: 'dispatch-direct-imports',
  setup(build) {
    build.onLoad({ filter: /\/(packages|apps)\/[^/]+\/src\/.*\.tsx?$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(/^import \{([^}]*)\} from '@dispatch\/([a-z-]+)';/gm, (_all, names, pkg) =>
        PACKAGES[pkg]
          ? direct(
              pkg,
              names
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            )
          : _all,
      );
      return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
  },
};
