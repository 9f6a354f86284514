// The small rules of the report path: status by age, the per-host rate limit, report validation.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';
import { hostStatus } from './status.js';
import { validateReport } from './report-schema.js';
import { reportsOf } from './validate.js';

describe('host status', () => {
  it.each([
    [null, 'offline'],
    [0, 'online'],
    [20_000, 'online'],
    [20_001, 'stale'],
    [60_000, 'stale'],
    [60_001, 'offline'],
  ] as const)('last report %s ms ago → %s (interval 10 s, stale after 2)', (age, expected) => {
    const now = 1_000_000;
    expect(hostStatus(age === null ? null : now - age, 10, 2, now)).toBe(expected);
  });
});

describe('rate limit', () => {
  it('allows a burst of the per-minute figure, then says how long to wait, and refills', () => {
    let t = 0;
    const limiter = new RateLimiter(6, () => t);
    for (let i = 0; i < 6; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10);
    expect(limiter.take('b')).toBe(0);
    t += 10_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });
});

describe('report validation', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const good = {
    version: 1, host_id: 'web-1', run: now - 60_000, seq: 3, ts: now, interval_s: 10,
    samples: { cpu_percent: 12.5, 'disk_used_percent{mount="/"}': 40 },
    meta: { hostname: 'web-1', os: 'Debian', kernel: '6.1', cpus: 4, agent_version: '0.1.0', boot_time: now - 86_400_000 },
  };

  it('accepts a good report', () => {
    expect(validateReport(good, now)).toBe(good);
  });

  it.each([
    [{ ...good, seq: 'three' }, /seq: must be integer/],
    [{ ...good, host_id: 42 }, /host_id/],
    [{ ...good, extra: 1 }, /unknown property "extra"/],
    [{ ...good, meta: { ...good.meta, cpus: 0 } }, /meta.cpus/],
    [{ ...good, samples: { cpu_percent: '12' } }, /samples.cpu_percent: must be number/],
    [{ ...good, samples: { cpu_percent: Infinity } }, /cpu_percent/],
    [{ ...good, samples: { 'x{b="1",a="2"}': 1 } }, /not canonical/],
    [{ ...good, samples: { '9lives': 1 } }, /invalid metric name/],
    [{ ...good, ts: now + 3_600_001 }, /more than 1 h ahead/],
    [{ ...good, version: 2 }, /unsupported protocol version 2/],
    [{ ...good, interval_s: -1 }, /interval_s/],
  ])('refuses %#, naming the problem', (report, message) => {
    expect(validateReport(report, now)).toMatch(message);
  });

  it('takes one report or a batch, and refuses other shapes as a whole', () => {
    expect(reportsOf(good)).toEqual([good]);
    expect(reportsOf({ version: 1, reports: [good, good] }).length).toBe(2);
    expect(() => reportsOf([good])).toThrow(/report \(a JSON object\)/);
    expect(() => reportsOf({ reports: [] })).toThrow(/non-empty/);
    expect(() => reportsOf({ version: 9, reports: [good] })).toThrow(/unsupported protocol version/);
    expect(() => reportsOf({ reports: Array(501).fill(good) })).toThrow(/at most 500/);
  });
});
