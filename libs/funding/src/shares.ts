/**
 * Percentages of a whole, rounded with the largest-remainder method so that the printed shares add up to exactly
 * 100 (a co-financing table whose shares sum to 99,9 % or 100,1 % is questioned at every conférence des financeurs).
 *
 * Each share is first floored to `decimals`; the units still missing to reach 100 go, one each, to the shares that
 * lost the most in the flooring (ties: the larger value, then the earlier position, so the result is stable).
 * Negative or non-finite values count as 0. When the total is 0 every share is 0: there is nothing to split.
 */
export function largestRemainderShares(values: readonly number[], decimals = 1): number[] {
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total <= 0) return clean.map(() => 0);
  const scale = 10 ** decimals;
  const units = 100 * scale;
  const raw = clean.map((v) => (v / total) * units);
  // The epsilon keeps 45.3 (stored as 45.29999…) from being floored to 45.2 before its remainder is counted.
  const floors = raw.map((r) => Math.floor(r + 1e-9));
  let missing = units - floors.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, remainder: r - floors[i], value: clean[i] }))
    .filter((x) => x.value > 0)
    .sort((a, b) => b.remainder - a.remainder || b.value - a.value || a.i - b.i);
  for (let k = 0; missing > 0 && order.length > 0; k = (k + 1) % order.length, missing--) {
    floors[order[k].i] += 1;
  }
  return floors.map((f) => Math.round(f) / scale);
}

/** A ratio rounded for display, or null when the denominator is 0 (« — » rather than a division by zero). */
export function ratio(numerator: number, denominator: number, decimals = 0): number | null {
  if (!denominator) return null;
  const scale = 10 ** decimals;
  return Math.round((numerator / denominator) * scale) / scale;
}

/** A percentage (45.3 for 45,3 %) rounded to `decimals`, or null when the whole is 0. */
export function percent(part: number, whole: number, decimals = 1): number | null {
  if (!whole) return null;
  const scale = 10 ** decimals;
  return Math.round((part / whole) * 100 * scale) / scale;
}
