#!/usr/bin/env node
// Sums the JSON reports vitest leaves beside each package (`test-results.json`) into the one closing
// line CI reads, `N passed, N failed`. Imported by the test scripts; run alone (as `.ci/run` does
// last) it prints the totals of every report present: the unit suite and the reliability suite.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

/** The report path of every package in the given groups (`packages`, `apps`, `tests`). */
export function reportPaths(groups) {
  return groups.flatMap((group) => {
    const dir = join(root, group);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name, 'test-results.json')) : [];
  });
}

/** Totals over the reports that exist; a file that failed outside any test counts as one failure. */
export function sumReports(reports) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of reports) {
    if (!existsSync(report)) continue;
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    for (const file of r.testResults ?? []) {
      const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed').length;
      if (file.status === 'failed' && failedTests === 0) failed += 1;
    }
  }
  return { passed, failed, skipped };
}

export const totalsLine = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const totals = sumReports(reportPaths(['packages', 'apps', 'tests']));
  console.log(`\n${totalsLine(totals)}`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}
