#!/usr/bin/env node
// Runs every package's tests through turbo, then prints the whole suite's totals as one closing
// line, `N passed, N failed`, summed from the JSON reports vitest leaves in each package (turbo
// restores them on a cache hit, so the totals are right either way).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = ['packages', 'apps'].flatMap((group) => {
  const dir = join(root, group);
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name, 'test-results.json')) : [];
});
// Reports of an earlier run must not be counted: each run (or turbo's cache) writes them anew.
for (const report of reports) rmSync(report, { force: true });
const args = ['run', 'test', '--continue', ...process.argv.slice(2)];
const turbo = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), args, { cwd: root, stdio: 'inherit' });
if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message} (run pnpm install first)`);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const report of reports) {
  if (!existsSync(report)) continue;
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that failed outside any test (an import error, a failing beforeAll) counts as one failure.
  for (const file of r.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) failed += 1;
  }
}
const code = turbo.status ?? 1;
// A package whose run crashed before writing its report still fails the suite.
if (code !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
