/** Canonical series keys as the hub expects them: `name` or `name{label="value"}` (labels sorted, values escaped). */

/** The key of one series; labels are sorted by name and values escaped (\\, \", \n). */
export function seriesKey(name: string, labels?: Record<string, string>): string {
  if (!labels) return name;
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((l) => `${l}="${escape(labels[l]!)}"`).join(',')}}`;
}

/** A one-label key, the common case, without the sorting. */
export function key1(name: string, label: string, value: string): string {
  return `${name}{${label}="${escape(value)}"}`;
}

function escape(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}
