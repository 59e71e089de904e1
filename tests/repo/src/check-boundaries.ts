// Import boundaries between workspace packages (DESIGN.md, Architecture: "Each package exposes a few
// named entry points ... nothing imports another package's internal files"). Imports are found with
// the TypeScript parser rather than a regex, so an import written inside a string or a comment (a
// build banner, a test's generated source) is not mistaken for one.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import ts from 'typescript';
import { listSourceFiles, listWorkspacePackages, repoPath, type WorkspacePackage } from './workspace.mjs';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

/**
 * Root files outside every package that a relative import may reach: the shared vitest config, which
 * tests/reliability/vitest.config.ts extends, and the build id the CLI's and the runtime's builds
 * share. They belong to no package, so importing them bypasses no entry point; anything else
 * outside the package is a violation.
 */
export const SHARED_ROOT_FILES: ReadonlySet<string> = new Set(['vitest.config.ts', 'scripts/build-id.mjs']);

export interface ImportRef {
  specifier: string;
  /** 1-based line of the module specifier. */
  line: number;
}

export interface BoundaryReport {
  /** `file:line: imports '...', what is wrong, and which entry points exist`, in file and line order. */
  violations: string[];
  filesScanned: number;
  packages: string[];
}

/** Every module specifier in a file: `import`/`export ... from` (types too), `import()`, `require()`, `import('x').T` types, `vi.mock()`-style calls. */
export function findImports(fileName: string, text: string): ImportRef[] {
  const kind = /\.[cm]?jsx?$/.test(fileName)
    ? fileName.endsWith('x')
      ? ts.ScriptKind.JSX
      : ts.ScriptKind.JS
    : fileName.endsWith('.tsx')
      ? ts.ScriptKind.TSX
      : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: ImportRef[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) {
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && isModuleCall(node.expression)) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `import(...)`, `require(...)`, and vitest's `vi.mock/doMock/importActual/importMock(...)`, whose path is an import too. */
function isModuleCall(callee: ts.Expression): boolean {
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'vi' &&
    ['mock', 'doMock', 'importActual', 'importMock'].includes(callee.name.text)
  );
}

/** The subpath keys of an `exports` field (`"."`, `"./*"`, ...) mapped to whether they lead anywhere (a `null` target blocks). */
export function exportedSubpaths(exportsField: unknown): Map<string, boolean> {
  // Without an exports map Node allows any deep path, but the design allows only entry points, so
  // only the package itself counts (apps/cli has none: nothing should import it).
  if (exportsField === undefined) return new Map([['.', true]]);
  if (exportsField === null || typeof exportsField !== 'object' || Array.isArray(exportsField))
    return new Map([['.', exportsField !== null]]);
  const keys = Object.keys(exportsField);
  // An object of conditions (`{ "import": ..., "types": ... }`) is the "." entry alone.
  if (!keys.some((k) => k.startsWith('.'))) return new Map([['.', true]]);
  return new Map(keys.map((k) => [k, (exportsField as Record<string, unknown>)[k] !== null]));
}

/** Whether `subpath` (`"."` or `"./x/y"`) is declared: an exact key, else the most specific `*` pattern, as Node resolves them. */
export function isExported(exportsField: unknown, subpath: string): boolean {
  const subpaths = exportedSubpaths(exportsField);
  const exact = subpaths.get(subpath);
  if (exact !== undefined) return exact;
  let best: { prefix: string; open: boolean } | undefined;
  for (const [key, open] of subpaths) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    const matches = subpath.length >= key.length && subpath.startsWith(prefix) && subpath.endsWith(suffix);
    if (matches && (!best || prefix.length > best.prefix.length)) best = { prefix, open };
  }
  return best?.open ?? false;
}

/** The entry points a package offers, as one would import them: `@dispatch/ipc-fs, @dispatch/ipc-fs/*`. */
export function entryPoints(pkg: WorkspacePackage): string {
  const open = [...exportedSubpaths(pkg.manifest.exports)]
    .filter(([, isOpen]) => isOpen)
    .map(([key]) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
  return open.length > 0 ? open.join(', ') : 'none';
}

/** `@scope/name/sub/path` -> [`@scope/name`, `./sub/path`]; `name` -> [`name`, `.`]. */
function splitBare(specifier: string): [string, string] {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(size).join('/');
  return [parts.slice(0, size).join('/'), rest ? `./${rest}` : '.'];
}

function declaresDependency(pkg: WorkspacePackage, name: string): boolean {
  const m = pkg.manifest;
  return [m.dependencies, m.devDependencies, m.peerDependencies, m.optionalDependencies].some(
    (deps) => deps !== undefined && name in deps,
  );
}

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Scans every workspace package's sources (all folders: src, test, bench, harness, scenarios, build
 * scripts; not node_modules or dist) and reports imports that (a) name a subpath another package
 * does not export, (b) leave the package's folder by a relative path, or (c) name a workspace
 * package the importer's package.json does not depend on.
 */
export function checkBoundaries(root: string): BoundaryReport {
  const packages = listWorkspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const violations: string[] = [];
  let filesScanned = 0;
  for (const pkg of packages) {
    for (const file of listSourceFiles(pkg.dir, SOURCE_EXTENSIONS)) {
      filesScanned += 1;
      const where = repoPath(root, file);
      for (const { specifier, line } of findImports(file, readFileSync(file, 'utf8'))) {
        const at = `${where}:${line}: imports '${specifier}'`;
        if (specifier.startsWith('.') || isAbsolute(specifier)) {
          const target = resolve(dirname(file), specifier);
          if (inside(pkg.dir, target) || SHARED_ROOT_FILES.has(repoPath(root, target))) continue;
          const owner = packages.find((p) => inside(p.dir, target));
          const into = owner
            ? `, an internal file of ${owner.name}; import one of its entry points instead: ${entryPoints(owner)}`
            : ', outside every package';
          violations.push(`${at}, which leaves ${pkg.relDir}/ for ${repoPath(root, target)}${into}`);
          continue;
        }
        const [name, subpath] = splitBare(specifier);
        const target = byName.get(name);
        if (!target) continue;
        if (!isExported(target.manifest.exports, subpath)) {
          violations.push(`${at}, a subpath ${name} does not export; its entry points: ${entryPoints(target)}`);
        }
        if (name !== pkg.name && !declaresDependency(pkg, name)) {
          violations.push(
            `${at}, but ${pkg.relDir}/package.json does not list ${name} in dependencies or devDependencies; its entry points: ${entryPoints(target)}`,
          );
        }
      }
    }
  }
  return { violations, filesScanned, packages: packages.map((p) => p.name) };
}
