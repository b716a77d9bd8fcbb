/**
 * The candidate closest to `word` by edit distance (case differences count half, a prefix of three
 * or more letters counts one), when it is close enough to be a likely typo; otherwise undefined. Bounded work: long words and very long
 * candidate lists are not searched. Internal to the scenario loader.
 *
 * @internal
 */
export function didYouMean(word: string, candidates: Iterable<string>, maxCandidates = 5_000): string | undefined {
  if (word.length === 0 || word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > maxCandidates) break;
    if (candidate === word || candidate.length > 64) continue;
    const candidateLower = candidate.toLowerCase();
    const score =
      candidateLower === lower
        ? 0.5
        : word.length >= 3 && (candidateLower.startsWith(lower) || lower.startsWith(candidateLower))
          ? 1
          : editDistance(lower, candidateLower);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.min(word.length, best.length) / 3));
  return bestScore <= allowed ? best : undefined;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] as number;
}

/**
 * ` (did you mean "x"?)` or an empty string.
 *
 * @internal
 */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? "" : ` (did you mean ${JSON.stringify(best)}?)`;
}
