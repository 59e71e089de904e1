/** Words that say little about a task, left out of the id derived from its prompt. */
const FILLER = new Set(
  'a an the to of for and or in on at with by from into please use using have ask can could would should will me my our this that it its be is are then also just some'.split(
    ' ',
  ),
);

/**
 * A short kebab-case id from the prompt (`use sonnet to review the auth module` →
 * `review-auth-module`): its first few telling words, at most 40 characters, made unique in the
 * workspace with `-2`, `-3`…
 */
export function deriveTaskId(prompt: string, taken: readonly string[], skip: readonly string[] = []): string {
  const skipped = new Set([...FILLER, ...skip.map((s) => s.toLowerCase())]);
  const words = prompt
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !skipped.has(w));
  let base = '';
  for (const word of words.slice(0, 4)) {
    const next = base ? `${base}-${word}` : word;
    if (next.length > 40) break;
    base = next;
  }
  base ||= 'task';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The plan's heading: the prompt's first line, shortened. */
export function taskTitle(prompt: string): string {
  const line = prompt.split('\n')[0]?.trim() ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line || 'Task';
}
