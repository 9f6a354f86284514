/**
 * Log counts are kept per minute and rolled up per hour (both by service and level). A window
 * is summed from the hourly rows for its whole hours and from the minute rows only for its
 * ragged ends, so "the last 24 h" reads ~24 rows per service and level instead of ~1,440.
 */

/** Inclusive ranges of minute numbers and hour numbers (ms since the epoch / 60,000 or / 3,600,000) that together cover a window once. */
export interface CountSpans {
  minutes: [number, number][];
  hours: [number, number] | undefined;
}

/** The minute and hour ranges covering [since, until] (ms), each minute exactly once. */
export function countSpans(since: number, until: number): CountSpans {
  const first = Math.floor(since / 60_000);
  const last = Math.floor(until / 60_000);
  // Whole hours: those whose 60 minutes all lie in [first, last].
  const firstHour = Math.ceil(first / 60);
  const lastHour = Math.floor((last + 1) / 60) - 1;
  if (last < first) return { minutes: [], hours: undefined };
  if (firstHour > lastHour) return { minutes: [[first, last]], hours: undefined };
  const minutes: [number, number][] = [];
  if (first < firstHour * 60) minutes.push([first, firstHour * 60 - 1]);
  if ((lastHour + 1) * 60 <= last) minutes.push([(lastHour + 1) * 60, last]);
  return { minutes, hours: [firstHour, lastHour] };
}

/** Counts of one batch of entries per (minute, service, level) and per (hour, service, level). */
export function batchCounts(entries: readonly { ts: number; service: string; level: number }[]): { minutes: CountRow[]; hours: CountRow[] } {
  const minutes = new Map<string, CountRow>();
  for (const e of entries) {
    const minute = Math.floor(e.ts / 60_000);
    const key = `${minute}\u0000${e.service}\u0000${e.level}`;
    const row = minutes.get(key);
    if (row) row.n += 1;
    else minutes.set(key, { at: minute, service: e.service, level: e.level, n: 1 });
  }
  const hours = new Map<string, CountRow>();
  for (const m of minutes.values()) {
    const hour = Math.floor(m.at / 60);
    const key = `${hour}\u0000${m.service}\u0000${m.level}`;
    const row = hours.get(key);
    if (row) row.n += m.n;
    else hours.set(key, { at: hour, service: m.service, level: m.level, n: m.n });
  }
  return { minutes: [...minutes.values()], hours: [...hours.values()] };
}

/** One count row: `at` is a minute or an hour number. */
export interface CountRow {
  at: number;
  service: string;
  level: number;
  n: number;
}
