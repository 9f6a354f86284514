/** When to try again: exponential backoff with jitter, and the hub's Retry-After. */

/** Delay before retry number `attempt` (1, 2, …): minMs doubled each time, capped at maxMs, then 50–100% of that at random. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt - 1, 30));
  // Jitter spreads out the retries of many services that lost the hub at the same moment.
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
