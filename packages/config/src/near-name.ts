/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prevPrev: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, (prevPrev[j - 2] ?? 0) + 1);
      row.push(best);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/**
 * The candidate closest to `word` (within 2 edits, or a third of its length for long ids, and
 * fewer edits than the word has letters), or undefined. Ties go to the earlier candidate.
 * @example findNearName('sonet', ['opus', 'sonnet']) // 'sonnet'
 */
export function findNearName(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let found: string | undefined;
  let best = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < best && distance < word.length) {
      found = candidate;
      best = distance;
    }
  }
  return found;
}

/**
 * The candidate nearest to `word` (at most 2 edits, fewer than the word's length; a difference of
 * case alone counts as one), or undefined.
 */
export function nearestName(word: string, candidates: Iterable<string>): string | undefined {
  const needle = word.toLowerCase();
  let found: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    // Cheap bounds first: the distance is at least the difference in length.
    if (candidate === word || Math.abs(candidate.length - word.length) >= bestDistance || word.length > 200) continue;
    const distance = Math.max(1, editDistance(needle, candidate));
    if (distance < bestDistance && distance < word.length) {
      found = candidate;
      bestDistance = distance;
    }
  }
  return found;
}
