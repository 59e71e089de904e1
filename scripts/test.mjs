#!/usr/bin/env node
// Runs every package's tests through turbo, then prints the whole suite's totals as one closing
// line, `N passed, N failed`, summed from the JSON reports vitest leaves in each package (turbo
// restores them on a cache hit, so the totals are right either way).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = ['run', 'test', ...process.argv.slice(2)];
const turbo = spawnSync('turbo', args, { cwd: root, stdio: 'inherit', shell: false });

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const report = join(dir, name, 'test-results.json');
    if (!existsSync(report)) continue;
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
const code = turbo.status ?? 1;
// A package whose run crashed before writing its report still fails the suite.
if (code !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
