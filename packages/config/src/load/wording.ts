/** Flattens text to one line: the CLI prints every error as a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A name from the config, safe in a one-line message: control characters and line separators escaped. */
export function plain(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name from the config, quoted for a message: escaped like `plain`, long names cut short. */
export function quote(name: string): string {
  return `'${plain(name.length > 60 ? `${name.slice(0, 57)}...` : name)}'`;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row.push(best);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
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
    const distance = Math.max(1, editDistance(needle, candidate.toLowerCase()));
    if (distance < bestDistance && distance < word.length) {
      found = candidate;
      bestDistance = distance;
    }
  }
  return found;
}

/** ` (did you mean X?)` when a candidate is near `word`, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearestName(word, candidates);
  return near === undefined ? '' : ` (did you mean ${near}?)`;
}
