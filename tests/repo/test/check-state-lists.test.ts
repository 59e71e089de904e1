import { afterEach, describe, expect, it } from 'vitest';
import {
  TASK_STATE_NAMES,
  checkStateLists,
  findStateLists,
  isProductionSource,
  readCoreTaskStates,
} from '../src/check-state-lists.js';
import { formatFindings, repoRoot } from '../src/workspace.mjs';
import { fixtureRepo, type FixtureRepo } from './fixture-repo.js';

let repo: FixtureRepo | undefined;
afterEach(() => repo?.remove());

const lists = (text: string): string[] => findStateLists('x.ts', text).map(({ line, what }) => `${line}: ${what}`);

describe('findStateLists', () => {
  it('finds arrays, Sets and || chains of two or more state names', () => {
    expect(
      lists(
        [
          "const FINAL = ['completed', 'cancelled'];",
          "const live = new Set<TaskState>(['queued', 'starting', 'running']);",
          "if (s === 'running' || (s === 'awaiting-answer' || other)) go();",
          "const done = ['failed', 'completed'].includes(state);",
        ].join('\n'),
      ),
    ).toEqual([
      "1: an array of 2 state names: 'completed', 'cancelled'",
      "2: a Set of 3 state names: 'queued', 'starting', 'running'",
      "3: an || chain comparing with 2 state names: 'running', 'awaiting-answer'",
      "4: an array of 2 state names: 'failed', 'completed'",
    ]);
  });

  it('leaves a list that says on the line above that it holds no task states', () => {
    expect(
      lists(
        [
          '// not task states: the types of wait --json lines',
          "const TYPES = ['question', 'blocked', 'failed'];",
          "const FINAL = ['completed', 'cancelled'];",
        ].join('\n'),
      ),
    ).toEqual(["3: an array of 2 state names: 'completed', 'cancelled'"]);
  });

  it('ignores a single name, repeats of one name, other strings and other operators', () => {
    expect(
      lists(
        [
          "const one = ['running'];",
          "const same = ['failed', 'failed'];",
          "const other = ['completed', 'pending', 'done'];",
          "if (s === 'running' && t === 'failed') go();",
          "if (s === 'running' || kind === 'crash') go();",
          "type Final = 'completed' | 'cancelled';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('ignores tests, test folders, benchmarks, declarations and packages/core', () => {
    expect(isProductionSource('apps/cli/src/status.ts')).toBe(true);
    expect(isProductionSource('apps/inspector/src/ui/app.tsx')).toBe(true);
    for (const path of [
      'apps/cli/src/status.test.ts',
      'apps/cli/test/e2e.ts',
      'apps/inspector/src/testing/fixture-task.ts',
      'packages/ipc-fs/bench/x.bench.ts',
      'packages/x/src/a.d.ts',
      'apps/cli/build.mjs',
    ]) {
      expect(isProductionSource(path), path).toBe(false);
    }
    const list = "export const FINAL = ['completed', 'cancelled'];\n";
    repo = fixtureRepo({
      'packages/core/package.json': { name: '@x/core' },
      'packages/core/src/types.ts': list,
      'packages/ipc-fs/package.json': { name: '@x/ipc-fs' },
      'packages/ipc-fs/src/state.ts': `// derives a task's state\n${list}`,
      'packages/ipc-fs/src/state.test.ts': list,
      'apps/cli/package.json': { name: '@x/cli' },
      'apps/cli/test/status.ts': list,
      'tests/checks/package.json': { name: '@x/checks' },
      'tests/checks/src/lists.ts': list,
    });
    expect(checkStateLists(repo.root).findings).toEqual([
      "packages/ipc-fs/src/state.ts:2: an array of 2 state names: 'completed', 'cancelled'",
    ]);
  });
});

// The real repository (named 'the repository: ...' so a failure reads as a fact about the code).
it("the repository: the state names checked are core's TASK_STATES", () => {
  expect(readCoreTaskStates(repoRoot)).toEqual(TASK_STATE_NAMES);
});

it('the repository: no list of task states outside packages/core (ask core instead)', () => {
  const { findings, filesScanned } = checkStateLists(repoRoot);
  expect(filesScanned).toBeGreaterThan(50); // a scan that found nothing would pass for the wrong reason
  expect(
    findings.length,
    formatFindings('lists of task states outside packages/core (file:line: what)', findings),
  ).toBe(0);
});
