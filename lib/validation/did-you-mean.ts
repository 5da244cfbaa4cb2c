/**
 * The known names closest to a mistyped one, best first: for "did you mean …" in errors (method
 * names, CodexConfig keys). Close = a small edit distance, ignoring case, a swap of neighbours
 * counting as one edit (`turns/start` → `turn/start`, `cwdd` → `cwd`, `URL` → `url`); failing
 * that, the same segments in another order (`thread/list/realtime` → `thread/realtime/list`).
 */
export function didYouMean(name: string, known: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 4));
  const scored: Array<[number, string]> = [];
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase(), limit);
    if (d <= limit) scored.push([d, candidate]);
  }
  if (scored.length === 0 && name.includes('/')) {
    // The same segments in another order (`thread/list/realtime` for `thread/realtime/list`).
    const segments = segmentKey(name);
    for (const candidate of known) if (segmentKey(candidate) === segments) scored.push([limit + 1, candidate]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, max).map(([, n]) => n);
}

/**
 * Optimal string alignment distance (Levenshtein, plus a swap of two neighbours as one edit),
 * giving up (returning `limit + 1`) once it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

function segmentKey(name: string): string {
  return name.toLowerCase().split('/').sort().join('/');
}
