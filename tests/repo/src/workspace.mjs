// The workspace as pnpm sees it, shared by every check here. The checkers live in src/ (not
// scripts/) because they are this package's code: typechecked by its tsconfig, imported by its tests
// in test/, and print-package-graph.mjs runs one of them directly. This file and the graph check are
// .mjs so that Node 20 runs that script without a TypeScript step; the other checks are .ts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo this package sits in (tests/repo/src/ -> the root). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * @typedef {Record<string, string>} DependencyMap
 * @typedef {{ name?: string, exports?: unknown, main?: string, dependencies?: DependencyMap,
 *   devDependencies?: DependencyMap, peerDependencies?: DependencyMap,
 *   optionalDependencies?: DependencyMap }} PackageManifest
 * @typedef {{ name: string, dir: string, relDir: string, group: string, manifest: PackageManifest }}
 *   WorkspacePackage  dir is absolute; relDir is root-relative with `/`; group is its first segment
 */

/**
 * The `packages:` globs of pnpm-workspace.yaml. Read with a few lines instead of a YAML library: the
 * file is a plain list, and a form this cannot read (anything but `dir/*` or `dir`) throws rather
 * than silently leaving packages unchecked.
 * @param {string} root
 * @returns {string[]}
 */
export function workspacePatterns(root) {
  const patterns = [];
  let inPackages = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    else if (inPackages) {
      const item = /^\s+-\s*['"]?([^'"#\s]+)['"]?/.exec(line);
      if (item?.[1]) patterns.push(item[1]);
    }
  }
  return patterns;
}

/**
 * Every workspace package (a folder matched by the workspace globs with a named package.json),
 * sorted by folder so reports and the graph are stable.
 * @param {string} root
 * @returns {WorkspacePackage[]}
 */
export function listWorkspacePackages(root) {
  const dirs = workspacePatterns(root).flatMap((pattern) => {
    if (/^[^*!]+\/\*$/.test(pattern)) {
      const parent = pattern.slice(0, -2);
      const abs = join(root, parent);
      if (!existsSync(abs)) return [];
      return readdirSync(abs, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${parent}/${e.name}`);
    }
    if (/[*!]/.test(pattern))
      throw new Error(`pnpm-workspace.yaml: cannot read the pattern '${pattern}' (only 'dir/*' and 'dir')`);
    return [pattern];
  });
  /** @type {WorkspacePackage[]} */
  const packages = [];
  for (const relDir of [...new Set(dirs)].sort()) {
    const manifestPath = join(root, relDir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    /** @type {PackageManifest} */
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (!manifest.name) continue;
    packages.push({
      name: manifest.name,
      dir: join(root, relDir),
      relDir,
      group: relDir.split('/')[0] ?? relDir,
      manifest,
    });
  }
  return packages;
}

/** Folders that hold no source of the package: installed, built, generated or tool state. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'test-artifacts']);

/**
 * Files under `dir` whose names end with one of `extensions`, depth-first in name order, skipping
 * SKIPPED_DIRS and dot-folders (.turbo, .dispatch).
 * @param {string} dir
 * @param {readonly string[]} extensions
 * @returns {string[]}
 */
export function listSourceFiles(dir, extensions) {
  /** @type {string[]} */
  const files = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.'))
        files.push(...listSourceFiles(path, extensions));
    } else if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext))) {
      files.push(path);
    }
  }
  return files;
}

/**
 * `path` relative to `root` with `/` separators, as reports print it.
 * @param {string} root
 * @param {string} path
 */
export function repoPath(root, path) {
  return relative(root, path).split(sep).join('/');
}

/**
 * A check's findings as a failure message: a count, then one finding per line.
 * @param {string} what  e.g. 'import boundary violations'
 * @param {readonly string[]} findings
 */
export function formatFindings(what, findings) {
  return `${findings.length} ${what}:\n${findings.map((f) => `  ${f}`).join('\n')}`;
}
