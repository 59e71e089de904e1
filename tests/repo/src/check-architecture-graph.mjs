// The package graph drawn in docs/architecture.md, derived from the package.json files so the page
// cannot drift from the code: a test compares the two, print-package-graph.mjs prints the block.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listWorkspacePackages } from './workspace.mjs';

export const GRAPH_START = '<!-- package-graph:start -->';
export const GRAPH_END = '<!-- package-graph:end -->';
/** The groups drawn: the product's packages and apps; tests/* depend on everything and would hide the shape. */
export const GRAPH_GROUPS = ['packages', 'apps'];

/**
 * The workspace dependency graph (`workspace:` specifiers only) as a fenced mermaid flowchart: one
 * node per package (so a package without edges still shows), then one edge per dependency, both
 * sorted by id so the text is stable. Node ids are the unscoped names (`ipc-fs` -> `ipc_fs`: mermaid
 * reads `-` as part of an arrow); labels are the full package names. A devDependency edge is dotted.
 * @param {string} root
 * @returns {string}
 */
export function renderPackageGraph(root) {
  const packages = listWorkspacePackages(root).filter((p) => GRAPH_GROUPS.includes(p.group));
  /** @param {string} name */
  const idOf = (name) => (name.split('/').pop() ?? name).replace(/[^A-Za-z0-9]/g, '_');
  const names = new Set(packages.map((p) => p.name));
  /** @param {string} a @param {string} b */
  const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const nodes = packages.map((p) => `  ${idOf(p.name)}["${p.name}"]`).sort(byText);
  /** @type {string[]} */
  const edges = [];
  for (const p of packages) {
    const { dependencies = {}, devDependencies = {} } = p.manifest;
    for (const [dep, spec] of Object.entries(dependencies)) {
      if (spec.startsWith('workspace:') && names.has(dep)) edges.push(`  ${idOf(p.name)} --> ${idOf(dep)}`);
    }
    for (const [dep, spec] of Object.entries(devDependencies)) {
      if (spec.startsWith('workspace:') && names.has(dep) && !(dep in dependencies))
        edges.push(`  ${idOf(p.name)} -.-> ${idOf(dep)}`);
    }
  }
  return ['```mermaid', 'flowchart TD', ...nodes, ...edges.sort(byText), '```'].join('\n');
}

/**
 * The text between the package-graph markers, trimmed; undefined when the page has no markers.
 * Throws on a half or doubled pair, which no edit should leave.
 * @param {string} markdown
 * @returns {string | undefined}
 */
export function extractGraphBlock(markdown) {
  const start = markdown.indexOf(GRAPH_START);
  const end = markdown.indexOf(GRAPH_END);
  if (start < 0 && end < 0) return undefined;
  if (start < 0 || end < start)
    throw new Error(
      `the package-graph markers are out of order or one is missing: ${GRAPH_START} must come before ${GRAPH_END}`,
    );
  if (markdown.indexOf(GRAPH_START, start + 1) >= 0 || markdown.indexOf(GRAPH_END, end + 1) >= 0)
    throw new Error('the package-graph markers appear more than once');
  return markdown.slice(start + GRAPH_START.length, end).trim();
}

/**
 * The block with its markers, ready to paste into docs/architecture.md.
 * @param {string} root
 */
export function packageGraphSection(root) {
  return `${GRAPH_START}\n${renderPackageGraph(root)}\n${GRAPH_END}`;
}

/**
 * Compares docs/architecture.md's block with the rendered graph.
 * @param {string} root
 * @returns {{ ok: true } | { ok: false, message: string }}
 */
export function checkArchitectureGraph(root) {
  const page = join(root, 'docs', 'architecture.md');
  const expected = renderPackageGraph(root);
  const paste = `\n\n${packageGraphSection(root)}\n\n(or run: node tests/repo/src/print-package-graph.mjs)`;
  const actual = existsSync(page) ? extractGraphBlock(readFileSync(page, 'utf8')) : undefined;
  if (actual === undefined)
    return {
      ok: false,
      message: `docs/architecture.md has no ${GRAPH_START} ... ${GRAPH_END} markers; add them around the package graph:${paste}`,
    };
  if (actual !== expected)
    return {
      ok: false,
      message: `docs/architecture.md's package graph differs from the package.json files; replace the marked block with:${paste}`,
    };
  return { ok: true };
}
