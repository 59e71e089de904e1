/** Edit distance with adjacent transpositions (optimal string alignment Damerau-Levenshtein). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...Array<number>(b.length).fill(0)]);
  const row0 = rows[0]!;
  for (let j = 0; j <= b.length; j++) row0[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const prev = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `word` within distance 2 (not equal to it), or undefined. The distance
 * must also be shorter than the word, so `a` is not taken for `ask`.
 */
export function findNearMiss(word: string, candidates: readonly string[]): string | undefined {
  const needle = word.toLowerCase();
  let found: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    // A case-only difference (`Status`) is still a miss: command names are case-sensitive.
    const distance = word === candidate ? 0 : Math.max(1, editDistance(needle, candidate));
    // Strictly better only, so ties go to the earlier (more common) command.
    if (distance > 0 && distance < bestDistance && distance < word.length) {
      found = candidate;
      bestDistance = distance;
    }
  }
  return found;
}
