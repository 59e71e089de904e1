// No lists of task lifecycle states outside packages/core: a list of states ("the final ones", "the
// ones with a worker") is a fact about the machine, and a copy elsewhere silently goes stale when
// the machine changes. Core exports the facts (FINAL_STATES, ...); everything else asks core.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { listSourceFiles, listWorkspacePackages, repoPath } from './workspace.mjs';

/** The lifecycle's states; the repository test checks this against core's TASK_STATES. */
export const TASK_STATE_NAMES: readonly string[] = [
  'queued',
  'starting',
  'running',
  'awaiting-answer',
  'timed-out',
  'blocked',
  'failed',
  'recovering',
  'completed',
  'cancelled',
];

export interface StateListFinding {
  /** 1-based line where the list or chain starts. */
  line: number;
  /** What was found, e.g. `a Set of 2 state names: 'completed', 'cancelled'`. */
  what: string;
}

export interface StateListReport {
  /** `file:line: what`, in file and line order. */
  findings: string[];
  filesScanned: number;
}

/** Folders holding tests, test helpers, fixtures or benchmarks, where spelling states out is the point. */
const TEST_DIRS = new Set(['test', 'tests', 'testing', '__tests__', 'fixtures', '__fixtures__', 'bench']);

/** Whether a repository path is production source: .ts/.tsx, not a declaration, test, spec or bench file, not in a test folder. */
export function isProductionSource(path: string): boolean {
  if (!/\.tsx?$/.test(path) || path.endsWith('.d.ts') || /\.(test|spec|bench)\.tsx?$/.test(path)) return false;
  return !path.split('/').some((segment) => TEST_DIRS.has(segment));
}

/**
 * State lists in one file's text: array literals (so `new Set([...])` and `[...].includes(x)` too)
 * holding two or more distinct state names as string literals, and `||` chains comparing with `===`
 * or `==` against two or more distinct state names (`s === 'completed' || s === 'cancelled'`),
 * unless the line above says `// not task states: <why>`.
 */
export function findStateLists(
  fileName: string,
  text: string,
  states: readonly string[] = TASK_STATE_NAMES,
): StateListFinding[] {
  const names = new Set(states);
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const stateOf = (node: ts.Node): string | undefined =>
    ts.isStringLiteralLike(node) && names.has(node.text) ? node.text : undefined;
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const quoted = (list: Set<string>): string => [...list].map((s) => `'${s}'`).join(', ');
  const findings: StateListFinding[] = [];
  const inChain = new Set<ts.Node>(); // `||` nodes already counted as part of an outer chain

  const isOr = (node: ts.Node): node is ts.BinaryExpression =>
    ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.BarBarToken;
  const operands = (node: ts.Expression): ts.Expression[] => {
    let inner = node;
    while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
    if (!isOr(inner)) return [inner];
    inChain.add(inner);
    return [...operands(inner.left), ...operands(inner.right)];
  };

  const visit = (node: ts.Node): void => {
    if (ts.isArrayLiteralExpression(node)) {
      const found = new Set(node.elements.map(stateOf).filter((s): s is string => s !== undefined));
      if (found.size >= 2) {
        const parent = node.parent;
        const isSet =
          ts.isNewExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'Set';
        findings.push({
          line: lineOf(isSet ? parent : node),
          what: `${isSet ? 'a Set' : 'an array'} of ${found.size} state names: ${quoted(found)}`,
        });
      }
    } else if (isOr(node) && !inChain.has(node)) {
      const found = new Set<string>();
      for (const operand of operands(node)) {
        if (!ts.isBinaryExpression(operand)) continue;
        const op = operand.operatorToken.kind;
        if (op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.EqualsEqualsToken) continue;
        const name = stateOf(operand.left) ?? stateOf(operand.right);
        if (name) found.add(name);
      }
      if (found.size >= 2)
        findings.push({
          line: lineOf(node),
          what: `an || chain comparing with ${found.size} state names: ${quoted(found)}`,
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // A list that only looks like states (wait --json's condition types share four of their names)
  // says so on the line above: `// not task states: <why>`.
  const lines = text.split('\n');
  return findings.filter((f) => !/\/\/ not task states: \S/.test(lines[f.line - 2] ?? ''));
}

/** Scans the production source of every package in packages/* and apps/* except packages/core. */
export function checkStateLists(root: string, states: readonly string[] = TASK_STATE_NAMES): StateListReport {
  const findings: string[] = [];
  let filesScanned = 0;
  const packages = listWorkspacePackages(root).filter(
    (p) => (p.group === 'packages' || p.group === 'apps') && p.relDir !== 'packages/core',
  );
  for (const pkg of packages) {
    for (const file of listSourceFiles(pkg.dir, ['.ts', '.tsx'])) {
      const where = repoPath(root, file);
      if (!isProductionSource(where)) continue;
      filesScanned += 1;
      for (const { line, what } of findStateLists(file, readFileSync(file, 'utf8'), states))
        findings.push(`${where}:${line}: ${what}`);
    }
  }
  return { findings, filesScanned };
}

/** The names in core's `export const TASK_STATES = [...]`, read from its source (this package does not depend on core). */
export function readCoreTaskStates(root: string): string[] | undefined {
  const coreSrc = listWorkspacePackages(root).find((p) => p.relDir === 'packages/core')?.dir;
  if (!coreSrc) return undefined;
  for (const file of listSourceFiles(coreSrc, ['.ts'])) {
    if (!isProductionSource(repoPath(root, file))) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || decl.name.text !== 'TASK_STATES' || !decl.initializer) continue;
        let init: ts.Expression = decl.initializer;
        while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
        if (ts.isArrayLiteralExpression(init)) return init.elements.filter(ts.isStringLiteralLike).map((e) => e.text);
      }
    }
  }
  return undefined;
}
