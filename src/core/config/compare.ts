/** Comparing two loaded configurations (for a reload: what changed, what needs a hub restart). */
import type { Config } from './model.js';

/** Deep equality of plain configuration values; object key order does not matter (env maps). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => sameValue(v, bs[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && sameValue((a as Record<string, unknown>)[k], bo[k]));
}

/** Top-level sections other than `services` that differ, in the file's spelling (`hub`, `alerts`, …). */
export function changedSections(before: Config, after: Config): string[] {
  return (Object.keys(after) as (keyof Config)[]).filter((k) => k !== 'services' && k !== 'file' && !sameValue(before[k], after[k]));
}
