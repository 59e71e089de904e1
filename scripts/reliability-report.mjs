#!/usr/bin/env node
// Prints the figures of the last reliability run (tests/reliability/figures.json, written by each
// scenario) as markdown, one table per scenario, for docs/reliability.md.
//   node scripts/reliability-report.mjs [figures.json]
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? new URL('../tests/reliability/figures.json', import.meta.url).pathname;
const all = JSON.parse(readFileSync(path, 'utf8'));
for (const [scenario, { at, wallSeconds, figures }] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`### ${scenario}\n\n${wallSeconds} s wall time, run ${at.slice(0, 16).replace('T', ' ')} UTC.\n`);
  console.log('| figure | value |\n|---|---|');
  for (const [name, value] of Object.entries(figures))
    console.log(`| ${name} | ${Array.isArray(value) ? value.join(', ') : value} |`);
  console.log('');
}
