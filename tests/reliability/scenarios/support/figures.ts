/** Prints a scenario's figures as one clear block on stdout (collected into docs/reliability.md). */
export function printFigures(scenario: string, figures: Record<string, string | number | boolean>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const lines = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  process.stdout.write(`\n== ${scenario} ==\n${lines.join('\n')}\n\n`);
}

/** Milliseconds since `start`, rounded. */
export const since = (start: number): number => Math.round(performance.now() - start);
