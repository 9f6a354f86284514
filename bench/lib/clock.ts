/** Time helpers: a monotonic clock in milliseconds and a cancellable-free sleep. */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** Monotonic milliseconds (sub-millisecond resolution); only differences are meaningful. */
export function now(): number {
  return performance.now();
}

/** Wall-clock epoch milliseconds with sub-millisecond resolution, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return delay(Math.max(0, ms));
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined; throws `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, intervalMs: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolves true when `p` settles within `ms`, false otherwise; the timer never outlives the wait. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
