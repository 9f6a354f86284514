/** Small statistics over samples; all return null for an empty list so tables can show "—". */

/** The middle value (mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The largest value. */
export function max(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.max(...xs);
}

/** The smallest value. */
export function min(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.min(...xs);
}

/** a / b, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** The p-th percentile (0–100), linearly interpolated between the closest ranks. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}
