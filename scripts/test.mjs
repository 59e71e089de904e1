#!/usr/bin/env node
// Runs every package's tests through turbo, then prints the whole suite's totals as one closing
// line, `N passed, N failed`, summed from the JSON reports vitest leaves in each package (turbo
// restores them on a cache hit, so the totals are right either way).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { reportPaths, root, sumReports, totalsLine } from './test-totals.mjs';

// tests/repo (the repository checks) runs under `test` too; tests/reliability has its own script.
const reports = [...reportPaths(['packages', 'apps']), join(root, 'tests', 'repo', 'test-results.json')];
// Reports of an earlier run must not be counted: each run (or turbo's cache) writes them anew.
for (const report of reports) rmSync(report, { force: true });
const args = ['run', 'test', '--continue', ...process.argv.slice(2)];
const turbo = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), args, { cwd: root, stdio: 'inherit' });
if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message} (run pnpm install first)`);

const totals = sumReports(reports);
const code = turbo.status ?? 1;
// A package whose run crashed before writing its report still fails the suite.
if (code !== 0 && totals.failed === 0) totals.failed = 1;
console.log(`\n${totalsLine(totals)}`);
process.exit(code);
