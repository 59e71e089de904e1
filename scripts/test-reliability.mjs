#!/usr/bin/env node
// Runs the reliability suite (tests/reliability, against the built CLI), or some of its scenarios:
//   pnpm test:reliability               every scenario
//   pnpm test:reliability 07            the scenarios whose file names contain "07"
// then prints its totals as `N passed, N failed`. Builds first, so the binary is never stale.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, sumReports, totalsLine } from './test-totals.mjs';

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
const build = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env,
});
if (build.status !== 0) process.exit(build.status ?? 1);

// Only this suite's own report is replaced: tests/repo's belongs to the unit suite, and the closing
// totals of `.ci/run` count it.
const reports = [join(root, 'tests', 'reliability', 'test-results.json')];
for (const report of reports) rmSync(report, { force: true });
const suite = join(root, 'tests', 'reliability');
const run = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--config', 'vitest.config.ts', ...process.argv.slice(2)],
  { cwd: suite, stdio: 'inherit', env },
);
const totals = sumReports(reports);
if (run.status !== 0 && totals.failed === 0) totals.failed = 1;
console.log(`\n${totalsLine(totals)}`);
process.exit(run.status ?? 1);
