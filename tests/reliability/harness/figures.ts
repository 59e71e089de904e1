import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One figure: a count, a duration in ms, a percentage, a size, or a short text. */
export type Figure = number | string | boolean | null;

/** Where every scenario's latest figures are collected (gitignored), for docs/reliability.md. */
export const figuresFile =
  process.env.RELIABILITY_FIGURES ?? join(new URL('..', import.meta.url).pathname, 'figures.json');

/** The value below which `p` percent of `values` fall (nearest rank); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p95, p99 and max of some latencies (ms), as figures named `<name> p50 ms` and so on. */
export function latencyFigures(name: string, values: readonly number[]): Record<string, Figure> {
  const round = (v: number) => (Number.isNaN(v) ? null : Math.round(v));
  return {
    [`${name} p50 ms`]: round(percentile(values, 50)),
    [`${name} p95 ms`]: round(percentile(values, 95)),
    [`${name} p99 ms`]: round(percentile(values, 99)),
    [`${name} max ms`]: round(percentile(values, 100)),
  };
}

/** Measures a scenario's wall time: `seconds()` since it was made. */
export function startWallClock(): { seconds(): number } {
  const start = performance.now();
  return { seconds: () => Math.round((performance.now() - start) / 100) / 10 };
}

function show(value: Figure): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  return String(value);
}

/**
 * Reports a scenario's figures: prints them as one block on stdout and records them in
 * `figures.json` under the scenario's name (replacing its previous run), with the time and
 * wall seconds, so docs can be built from the latest run of every scenario.
 * @example reportFigures('01 steady load', { tasks: 200, ...latencyFigures('detection', ms) }, wall.seconds())
 */
export function reportFigures(scenario: string, figures: Record<string, Figure>, wallSeconds: number): void {
  const rows = Object.entries({ ...figures, 'wall time s': wallSeconds });
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    `── figures: ${scenario} ${'─'.repeat(Math.max(3, 60 - scenario.length))}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${show(v)}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let all: Record<string, unknown> = {};
  try {
    if (existsSync(figuresFile)) all = JSON.parse(readFileSync(figuresFile, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {}; // a broken collection is rebuilt, never fatal
  }
  all[scenario] = { at: new Date().toISOString(), wallSeconds, figures };
  const tmp = `${figuresFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(tmp, figuresFile);
}
