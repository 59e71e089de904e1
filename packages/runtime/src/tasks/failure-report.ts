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

/** A task list in a line: `a, b, c`, or the first three and how many more. */
function someIds(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

/**
 * The failure report under the status table: one line per cause, in the order given. Tasks that
 * failed the same way (same class, message and best model to retry with) share one line —
 * `4 tasks (a, b, c and 1 more): auth — claude is not logged in. Fix the cause, then: dispatch retry <id>`.
 */
export async function failureReport(
  tasks: readonly DerivedTask[],
  alternatives: AlternativesLookup,
): Promise<string[]> {
  const groups = new Map<string, { ids: string[]; kind: string; message: string; others: string[] }>();
  for (const t of tasks) {
    if (t.state !== 'failed') continue;
    const { error, model, modelsTried } = t.context;
    const kind = error?.kind ?? 'crash';
    const message = (error?.message ?? 'the task failed').replace(/\s+/g, ' ').trim();
    const others = MODEL_FAILURES.includes(kind) ? await alternatives([...modelsTried, model], kind) : [];
    const key = JSON.stringify([kind, message, others]);
    const group = groups.get(key);
    if (group) group.ids.push(t.task.id);
    else groups.set(key, { ids: [t.task.id], kind, message, others });
  }
  return [...groups.values()].map(({ ids, kind, message, others }) => {
    const line = recoveryLine(ids[0]!, kind, message, others);
    if (ids.length === 1) return line;
    // The first task's line, told of them all: the same cause, the same command for each.
    const each = line.slice(ids[0]!.length).replace(`dispatch retry ${ids[0]}`, 'dispatch retry <id>');
    return `${ids.length} tasks (${someIds(ids)})${each}`;
  });
}
