/** "Did you mean" for misspelt configuration keys. */

/** Levenshtein distance (short keys only: configuration key names). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    let prev = row[0];
    row[0] = i + 1;
    for (let j = 0; j < b.length; j++) {
      const cur = row[j + 1];
      row[j + 1] = Math.min(prev + (a[i] === b[j] ? 0 : 1), row[j] + 1, cur + 1);
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The first known key within two edits of `key` (case-insensitive), else one that starts with it
 * (a unit suffix left out: `scheduledDelay` for `scheduledDelayMillis`), if any.
 */
export function suggestion(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return known.find((k) => editDistance(k.toLowerCase(), lower) <= 2) ?? (lower.length >= 4 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined);
}
