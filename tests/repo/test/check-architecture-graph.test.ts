import { afterEach, describe, expect, it } from 'vitest';
import {
  GRAPH_END,
  GRAPH_START,
  checkArchitectureGraph,
  extractGraphBlock,
  renderPackageGraph,
} from '../src/check-architecture-graph.mjs';
import { repoRoot } from '../src/workspace.mjs';
import { fixtureRepo, type FixtureRepo } from './fixture-repo.js';

let repo: FixtureRepo | undefined;
afterEach(() => repo?.remove());

describe('the package graph', () => {
  it('draws workspace dependencies of packages/* and apps/* only, sorted, devDependencies dotted', () => {
    repo = fixtureRepo({
      'packages/ipc-fs/package.json': { name: '@x/ipc-fs', dependencies: { '@x/core': 'workspace:*', chokidar: '^5' } },
      'packages/core/package.json': { name: '@x/core' },
      'apps/cli/package.json': {
        name: '@x/cli',
        dependencies: { '@x/ipc-fs': 'workspace:*', '@x/core': 'workspace:*' },
        devDependencies: { '@x/checks': 'workspace:*' },
      },
      'apps/web/package.json': { name: '@x/web', devDependencies: { '@x/core': 'workspace:*' } },
      'tests/checks/package.json': { name: '@x/checks', dependencies: { '@x/core': 'workspace:*' } },
    });
    expect(renderPackageGraph(repo.root)).toBe(
      [
        '```mermaid',
        'flowchart TD',
        '  cli["@x/cli"]',
        '  core["@x/core"]',
        '  ipc_fs["@x/ipc-fs"]',
        '  web["@x/web"]',
        '  cli --> core',
        '  cli --> ipc_fs',
        '  ipc_fs --> core',
        '  web -.-> core',
        '```',
      ].join('\n'),
    );
  });

  it('reads the block between the markers, and nothing without them', () => {
    expect(extractGraphBlock(`# A\n${GRAPH_START}\n  graph  \n${GRAPH_END}\nmore`)).toBe('graph');
    expect(extractGraphBlock('# A\nno markers')).toBeUndefined();
    expect(() => extractGraphBlock(`${GRAPH_END}\n${GRAPH_START}`)).toThrow(/out of order/);
  });

  it('fails asking for the markers, then on a stale graph, and passes on the rendered one', () => {
    repo = fixtureRepo({
      'packages/core/package.json': { name: '@x/core' },
      'apps/cli/package.json': { name: '@x/cli', dependencies: { '@x/core': 'workspace:*' } },
      'docs/architecture.md': '# Architecture\n',
    });
    const missing = checkArchitectureGraph(repo.root);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.message).toMatch(/has no <!-- package-graph:start -->.*markers[\s\S]*cli --> core/);

    repo.write(
      'docs/architecture.md',
      `# Architecture\n\n${GRAPH_START}\n\`\`\`mermaid\nflowchart TD\n\`\`\`\n${GRAPH_END}\n`,
    );
    const stale = checkArchitectureGraph(repo.root);
    expect(!stale.ok && stale.message).toMatch(/differs[\s\S]*cli --> core/);

    repo.write(
      'docs/architecture.md',
      `# Architecture\n\n${GRAPH_START}\n${renderPackageGraph(repo.root)}\n${GRAPH_END}\n`,
    );
    expect(checkArchitectureGraph(repo.root)).toEqual({ ok: true });
  });
});

// The real repository (named 'the repository: ...' so a failure reads as a fact about the code).
it('the repository: docs/architecture.md draws the package graph of the package.json files', () => {
  const result = checkArchitectureGraph(repoRoot);
  expect(result.ok, result.ok ? '' : result.message).toBe(true);
});
