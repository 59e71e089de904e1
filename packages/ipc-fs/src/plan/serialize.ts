import { IpcError } from '../errors.js';
import type { Plan } from './types.js';

/**
 * The plan's text: every line and its original ending, unchanged (the inverse of `parsePlan`).
 * @example serializePlan(parsePlan(text)) === text; // always
 */
export function serializePlan(plan: Plan): string {
  let out = '';
  for (const line of plan.lines) out += line.text + line.eol;
  return out;
}

/**
 * A new plan.md: a `# title` heading, a blank line, then one `- [ ] step` line per step at column 0,
 * in order. Steps are trimmed; a step with a line break, or with no text, is refused
 * (`malformed-plan`) since it could not stay one item. Line breaks in the title become spaces.
 * @example renderPlan('Security review', ['Scan for secrets', 'Write output.md'])
 * // '# Security review\n\n- [ ] Scan for secrets\n- [ ] Write output.md\n'
 */
export function renderPlan(title: string, steps: readonly string[]): string {
  const heading = `# ${title.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`.trimEnd();
  const lines = steps.map((step, i) => {
    if (/[\r\n]/.test(step)) {
      throw new IpcError('malformed-plan', `step ${i + 1} contains a line break; give each step as its own --step`);
    }
    const text = step.trim();
    if (text === '') throw new IpcError('malformed-plan', `step ${i + 1} is empty; every step needs text`);
    return `- [ ] ${text}\n`;
  });
  return lines.length === 0 ? `${heading}\n` : `${heading}\n\n${lines.join('')}`;
}
