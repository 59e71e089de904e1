import { jsonLine } from './output-lines.js';

/** What a CLI said when it stopped at its spending limit (US dollars, each where it said). */
export interface BudgetStop {
  spent?: number;
  limit?: number;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

// Claude 2.1.197 names the limit only in its words: "Reached maximum budget ($0.0001)".
const LIMIT_WORDS = /maximum budget \(\$(\d+(?:\.\d+)?)\)/;

/**
 * Claude Code's stop at `--max-budget-usd`: its stream-json result line has the subtype
 * `error_max_budget_usd`, the run's `total_cost_usd` and the limit in `errors`. Null otherwise.
 */
export function budgetStop(lines: readonly string[]): BudgetStop | null {
  const result = lines.map(jsonLine).findLast((e) => e?.type === 'result');
  if (result?.subtype !== 'error_max_budget_usd') return null;
  const spent = num(result.total_cost_usd);
  const words = Array.isArray(result.errors) ? result.errors.filter((e) => typeof e === 'string').join('\n') : '';
  const limit = LIMIT_WORDS.exec(words)?.[1];
  return { ...(spent !== undefined && { spent }), ...(limit !== undefined && { limit: Number(limit) }) };
}

/** Dollars as people read them: cents from a cent up, two significant digits below ($0.0006). */
export function formatUsd(amount: number): string {
  return `$${amount >= 0.01 ? amount.toFixed(2) : amount.toLocaleString('en-US', { maximumSignificantDigits: 2 })}`;
}

/** One line naming the CLI, that it reached its spending limit and what it spent. */
export function describeBudgetStop(cli: string, stop: BudgetStop): string {
  const spent = stop.spent === undefined ? '' : `, ${formatUsd(stop.spent)} spent`;
  const limit = stop.limit === undefined ? '' : ` of ${formatUsd(stop.limit)}`;
  return `${cli}: reached its spending limit${limit}${spent}`;
}
