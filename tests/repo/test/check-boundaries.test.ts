import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBoundaries, findImports, isExported } from '../src/check-boundaries.js';
import { formatFindings, repoRoot } from '../src/workspace.mjs';
import { fixtureRepo, type FixtureRepo } from './fixture-repo.js';

let repo: FixtureRepo | undefined;
afterEach(() => repo?.remove());

/** Two packages: a exports only "."; b depends on a. */
const twoPackages = (use: string): Record<string, string | object> => ({
  'packages/a/package.json': { name: '@fixture/a', exports: { '.': './src/index.ts' } },
  'packages/a/src/index.ts': 'export const a = 1;\n',
  'packages/a/src/internal.ts': 'export const hidden = 2;\n',
  'packages/b/package.json': { name: '@fixture/b', dependencies: { '@fixture/a': 'workspace:*' } },
  'packages/b/src/use.ts': use,
});

describe('checkBoundaries on a fixture monorepo', () => {
  it('fails on a deep import, naming the file, the line and the entry points, and passes once it is fixed', () => {
    repo = fixtureRepo(
      twoPackages(
        "import { a } from '@fixture/a';\n\nimport { hidden } from '@fixture/a/internal';\nexport const both = [a, hidden];\n",
      ),
    );
    const { violations } = checkBoundaries(repo.root);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(
      /^packages\/b\/src\/use\.ts:3: imports '@fixture\/a\/internal', a subpath @fixture\/a does not export; its entry points: @fixture\/a$/,
    );

    repo.write('packages/b/src/use.ts', "import { a } from '@fixture/a';\nexport const both = [a];\n");
    expect(checkBoundaries(repo.root).violations).toEqual([]);
  });

  it('counts every subpath as declared while exports has a "./*" wildcard', () => {
    repo = fixtureRepo(twoPackages("import { hidden } from '@fixture/a/internal';\n"));
    repo.write('packages/a/package.json', {
      name: '@fixture/a',
      exports: { '.': './src/index.ts', './*': './src/*.ts' },
    });
    expect(checkBoundaries(repo.root).violations).toEqual([]);
  });

  it('fails on a relative path out of the package and on an undeclared workspace dependency', () => {
    repo = fixtureRepo({
      ...twoPackages('export {};\n'),
      'packages/b/test/reach.test.ts': "import { hidden } from '../../a/src/internal.js';\n",
      'tests/c/package.json': { name: '@fixture/c' },
      'tests/c/harness/use.ts': "// no dependency on a\nexport type A = typeof import('@fixture/a');\n",
      'tests/c/vitest.config.ts': "export { default } from '../../vitest.config.ts';\n", // the shared root config is allowed
    });
    expect(checkBoundaries(repo.root).violations).toEqual([
      "packages/b/test/reach.test.ts:1: imports '../../a/src/internal.js', which leaves packages/b/ for packages/a/src/internal.js, an internal file of @fixture/a; import one of its entry points instead: @fixture/a",
      "tests/c/harness/use.ts:2: imports '@fixture/a', but tests/c/package.json does not list @fixture/a in dependencies or devDependencies; its entry points: @fixture/a",
    ]);
  });

  it('finds every import form, and not imports written inside strings or comments', () => {
    const text = [
      "import type { T } from 'type-only';",
      "import def, { x } from 'default-and-named';",
      "export * from 'star';",
      "export { y } from 'named';",
      "import 'side-effect';",
      "const lazy = await import('dynamic');",
      "const req = require('required');",
      "type U = import('type-query').U;",
      "vi.mock('mocked');",
      'const banner = "import { no } from \'in-a-string\'";',
      "// import { no } from 'in-a-comment';",
    ].join('\n');
    expect(findImports('x.ts', text)).toEqual(
      [
        'type-only',
        'default-and-named',
        'star',
        'named',
        'side-effect',
        'dynamic',
        'required',
        'type-query',
        'mocked',
      ].map((specifier, i) => ({ specifier, line: i + 1 })),
    );
  });

  it('resolves subpaths as Node does: exact keys, the most specific pattern, null blocks', () => {
    const exportsField = { '.': './i.js', './*': './src/*.js', './private/*': null };
    expect(isExported(exportsField, '.')).toBe(true);
    expect(isExported(exportsField, './watch')).toBe(true);
    expect(isExported(exportsField, './private/x')).toBe(false);
    expect(isExported(exportsField, './')).toBe(false); // a pattern's * matches one character or more
    expect(isExported({ '.': './i.js' }, './watch')).toBe(false);
    expect(isExported('./i.js', '.')).toBe(true);
    expect(isExported(undefined, './src/x.js')).toBe(false);
  });
});

// The real repository (named 'the repository: ...' so a failure reads as a fact about the code).
it('the repository: every import stays in its package or uses a declared entry point of a package it depends on', () => {
  const { violations, filesScanned, packages } = checkBoundaries(repoRoot);
  // A scan that found nothing would pass for the wrong reason.
  expect(packages).toContain('@dispatch/core');
  expect(filesScanned).toBeGreaterThan(100);
  // The count, with the list as the message: a list-vs-[] diff would print every line twice.
  expect(
    violations.length,
    formatFindings('import boundary violations (file:line: import, problem, entry points)', violations),
  ).toBe(0);
});

it('the repository: the apps hold no task host (no daemon/ or host/ folder under apps/*/src: it is @dispatch/runtime)', () => {
  const apps = readdirSync(join(repoRoot, 'apps'));
  const hosts = apps.flatMap((app) =>
    ['daemon', 'host']
      .filter((dir) => existsSync(join(repoRoot, 'apps', app, 'src', dir)))
      .map((dir) => `apps/${app}/src/${dir}`),
  );
  expect(hosts).toEqual([]);
});
