// The /proc parsers on fixed samples, and a collection from this machine's real /proc.
import { describe, expect, it } from 'vitest';
import { Collector } from './collector.js';
import { parseDiskstats, parseLoadavg, parseMeminfo, parseMounts, parseNetDev, parseStat, realDisks } from './proc.js';
import { seriesKey } from './series.js';
import { seriesKeyProblem } from '../metrics/series.js';

describe('/proc parsers', () => {
  it('reads total and per-core CPU times, process counts and boot time from /proc/stat', () => {
    const s = parseStat('cpu  410021 229 80880 906617 3498 0 1268 265 0 0\ncpu0 189971 109 37933 471323 858 0 382 117 0 0\ncpu1 220050 119 42947 435294 2639 0 885 147 0 0\nintr 1 2\nbtime 1767225600\nprocs_running 3\nprocs_blocked 1\n');
    expect(s.total).toEqual({ user: 410021, nice: 229, system: 80880, idle: 906617, iowait: 3498, irq: 0, softirq: 1268, steal: 265 });
    expect(s.cores.length).toBe(2);
    expect(s.cores[1]!.idle).toBe(435294);
    expect([s.procsRunning, s.procsBlocked, s.btime]).toEqual([3, 1, 1767225600]);
  });

  it.each([
    ['MemTotal:       1000 kB\nMemFree:  100 kB\nMemAvailable:    400 kB\nSwapTotal: 200 kB\nSwapFree: 50 kB\n', { total: 1024000, available: 409600, swapTotal: 204800, swapFree: 51200 }],
    ['MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 150 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n', { total: 1024000, available: 307200, swapTotal: 0, swapFree: 0 }],
  ])('reads memory and swap from /proc/meminfo (%#)', (text, expected) => {
    expect(parseMeminfo(text)).toEqual(expected);
  });

  it('keeps real filesystems of /proc/mounts, once per device, unescaping names', () => {
    const mounts = parseMounts(
      [
        'proc /proc proc rw 0 0',
        'sysfs /sys sysfs rw 0 0',
        '/dev/vda1 / ext4 rw 0 0',
        'tmpfs /run tmpfs rw 0 0',
        '/dev/vdb1 /srv/my\\040data xfs rw 0 0',
        '/dev/vda1 /var/lib/bind ext4 rw 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
        'overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0',
        '/dev/loop0 /snap/core/1 squashfs ro 0 0',
      ].join('\n'),
    );
    expect(mounts.map((m) => m.mountPoint)).toEqual(['/', '/srv/my data']);
    expect(parseMounts('overlay / overlay rw 0 0\n').map((m) => m.mountPoint)).toEqual(['/']);
  });

  it('reads I/O counters of real disks only', () => {
    const text = '   7       0 loop0 5 0 10 0 0 0 0 0 0 0 0 0 0\n 254       0 vda 300 46 9822 324 951 113 60932 812 0 70992 1152400 0 0 0 0\n 254       1 vda1 1 0 2 0 0 0 0 0 0 0 0 0 0 0 0\n';
    const disks = realDisks(['loop0', 'vda', 'zram0', 'nvme0n1', 'sr0']);
    expect([...disks]).toEqual(['vda', 'nvme0n1']);
    expect(parseDiskstats(text, disks)).toEqual(new Map([['vda', { reads: 300, sectorsRead: 9822, writes: 951, sectorsWritten: 60932, ioMs: 70992 }]]));
  });

  it('reads network counters, skipping loopback and interfaces that never moved a byte', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 7997 15 0 0 0 0 0 0 7997 15 0 0 0 0 0 0',
      '  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0',
      '  eth0: 589013196   20471    2    0    0     0          0         0  2095717   16296    1    0    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(text)).toEqual(new Map([['eth0', { rxBytes: 589013196, rxErrors: 2, txBytes: 2095717, txErrors: 1 }]]));
  });

  it('reads load averages', () => {
    expect(parseLoadavg('0.52 0.40 0.31 2/345 6789\n')).toEqual({ load1: 0.52, load5: 0.4, load15: 0.31 });
  });
});

describe('collector', () => {
  it('collects every kind of sample from the real /proc, with canonical keys and finite values', async () => {
    const c = new Collector();
    try {
      const first = c.collect();
      expect(first.cpu_percent).toBeUndefined(); // no rates before a second reading
      await new Promise((r) => setTimeout(r, 200));
      const s = c.collect();
      for (const k of ['cpu_percent', 'memory_percent', 'memory_total_bytes', 'swap_percent', 'load1', 'load5', 'load15', 'uptime_seconds', 'processes', 'agent_collect_cpu_ms']) {
        expect(s[k], k).toBeTypeOf('number');
      }
      expect(Object.keys(s).some((k) => k.startsWith('cpu_core_percent{core="0"}'))).toBe(true);
      expect(Object.keys(s).some((k) => k.startsWith('disk_used_percent{mount='))).toBe(true);
      for (const [k, v] of Object.entries(s)) {
        expect(Number.isFinite(v), k).toBe(true);
        expect(seriesKeyProblem(k), k).toBeNull();
      }
      expect(s.cpu_percent).toBeGreaterThanOrEqual(0);
      expect(s.cpu_percent).toBeLessThanOrEqual(100);
      expect(s.processes).toBeGreaterThan(1);
    } finally {
      c.close();
    }
  });

  it('writes keys the way the hub wants them', () => {
    expect(seriesKey('x', { b: '2', a: 'q"\\' })).toBe('x{a="q\\"\\\\",b="2"}');
    expect(seriesKeyProblem(seriesKey('disk_used_percent', { mount: '/srv/my "data"' }))).toBeNull();
  });
});
