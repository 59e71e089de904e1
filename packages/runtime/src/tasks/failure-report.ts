import { MODEL_FAILURES } from '@dispatch/config';
import type { DerivedTask } from '@dispatch/ipc-fs';
import type { AlternativesLookup } from '../config/alternatives.js';

/**
 * What to do about a failed task, in one line: why it failed, then the command that recovers it —
 * another model when the model was the problem (`alternatives`, best first), else a plain retry
 * once the cause is fixed.
 * @example recoveryLine('api-tests', 'cli-missing', 'codex: command not found', ['opus', 'sonnet'])
 * // 'api-tests: cli-missing — codex: command not found. Retry with another model: dispatch retry api-tests --model opus (or: sonnet)'
 */
export function recoveryLine(id: string, kind: string, message: string, alternatives: readonly string[]): string {
  const why = `${id}: ${kind} — ${message.replace(/\s+/g, ' ').trim().replace(/\.$/, '')}`;
  if (!MODEL_FAILURES.includes(kind)) return `${why}. Fix the cause, then: dispatch retry ${id}`;
  const [best, ...rest] = alternatives;
  if (best === undefined)
    return `${why}. No other configured model can run here: fix it, or add one with dispatch config add-model`;
  return `${why}. Retry with another model: dispatch retry ${id} --model ${best}${rest.length > 0 ? ` (or: ${rest.join(', ')})` : ''}`;
}

/** The failure report under the status table: one line per failed task, in the order given. */
export async function failureReport(
  tasks: readonly DerivedTask[],
  alternatives: AlternativesLookup,
): Promise<string[]> {
  const lines: string[] = [];
  for (const t of tasks) {
    if (t.state !== 'failed') continue;
    const { error, model, modelsTried } = t.snapshot.context;
    const kind = error?.kind ?? 'crash';
    const tried = [...modelsTried, model];
    lines.push(
      recoveryLine(
        t.task.id,
        kind,
        error?.message ?? 'the task failed',
        MODEL_FAILURES.includes(kind) ? await alternatives(tried, kind) : [],
      ),
    );
  }
  return lines;
}
