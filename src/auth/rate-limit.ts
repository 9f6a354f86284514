/**
 * Login throttling: failed sign-ins are counted per account and per source address in a
 * sliding one-minute window, in memory. Once either has `perMinute` failures in the last
 * minute, further attempts are refused (429) until the oldest of them is a minute old;
 * refused attempts do not count, so the wait never grows. Counters decay on their own and
 * are forgotten after a minute without failures; at most `maxKeys` are kept.
 */
import { isIPv6 } from 'node:net';

const windowMs = 60_000;

/** Failed-login counters by key. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    /** Failures allowed per key per minute. */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until an attempt on these keys may be made; 0 when it may be made now. */
  retryAfterMs(keys: readonly string[]): number {
    const t = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, t);
      if (recent.length >= this.perMinute) wait = Math.max(wait, recent[recent.length - this.perMinute]! + windowMs - t);
    }
    return wait;
  }

  /** Counts one failed attempt against every key. */
  fail(keys: readonly string[]): void {
    const t = this.now();
    for (const key of keys) {
      const recent = this.recent(key, t);
      recent.push(t);
      // Only the last perMinute failures ever decide anything.
      if (recent.length > this.perMinute) recent.splice(0, recent.length - this.perMinute);
      this.failures.delete(key);
      this.failures.set(key, recent);
    }
    if (this.failures.size > this.maxKeys) this.sweep(t);
  }

  /** Forgets the failures of a key (an account after a successful sign-in). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  /** Number of keys with recent failures. */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, t: number): number[] {
    const all = this.failures.get(key);
    if (!all) return [];
    const kept = all.filter((at) => at > t - windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }

  private sweep(t: number): void {
    for (const [key, times] of this.failures) {
      if (times[times.length - 1]! <= t - windowMs) this.failures.delete(key);
    }
    // Still too many: drop the least recently failed (Map order is insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}

/** The limiter key of an account name (case-insensitive: "Admin" and "admin" share one). */
export function accountKey(name: string): string {
  return `account:${name.toLowerCase()}`;
}

/**
 * The limiter key of a source address. IPv6 clients are counted per /64, the block one
 * subscriber usually holds, so walking through one's own addresses gains nothing.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `address:${mapped[1]}`;
  if (!isIPv6(ip)) return `address:${ip}`;
  return `address:${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.split('%')[0]!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
