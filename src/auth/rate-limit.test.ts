import { describe, expect, it } from 'vitest';
import { accountKey, addressKey, LoginLimiter } from './rate-limit.js';

describe('login throttling', () => {
  it('allows perMinute failures per key, then answers the wait until the oldest is a minute old', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(5, () => now);
    const keys = ['account:ann', 'address:10.0.0.1'];
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfterMs(keys)).toBe(0);
      limiter.fail(keys);
      now += 1000;
    }
    // Failures at 0 s … 4 s; now 5 s: the first leaves the window at 60 s.
    expect(limiter.retryAfterMs(keys)).toBe(55_000);
    expect(limiter.retryAfterMs(['account:ann'])).toBe(55_000);
    expect(limiter.retryAfterMs(['account:bob', 'address:10.0.0.2'])).toBe(0);
    now += 55_000;
    expect(limiter.retryAfterMs(keys)).toBe(0);
    limiter.fail(keys);
    // Four failures in the window again plus this one: blocked until the one at 1 s ages out.
    expect(limiter.retryAfterMs(keys)).toBe(1000);
  });

  it('forgets an account on success but not the address, and decays to nothing', () => {
    let now = 0;
    const limiter = new LoginLimiter(2, () => now);
    limiter.fail(['account:ann', 'address:a']);
    limiter.fail(['account:ann', 'address:a']);
    limiter.reset('account:ann');
    expect(limiter.retryAfterMs(['account:ann'])).toBe(0);
    expect(limiter.retryAfterMs(['address:a'])).toBeGreaterThan(0);
    now += 60_001;
    expect(limiter.retryAfterMs(['address:a'])).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('keeps at most maxKeys counters', () => {
    let now = 0;
    const limiter = new LoginLimiter(5, () => now, 100);
    for (let i = 0; i < 1000; i++) {
      limiter.fail([`account:u${i}`]);
      now += 1;
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recent survive.
    limiter.fail(['account:u999']);
    expect(limiter.size).toBeLessThanOrEqual(101);
  });

  it('keys accounts ignoring case and IPv6 clients by their /64', () => {
    expect(accountKey('Admin')).toBe(accountKey('admin'));
    expect(addressKey('::ffff:192.0.2.7')).toBe('address:192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('address:192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::1')).toBe('address:0:0:0:0::/64');
  });
});
