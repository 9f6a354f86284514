/**
 * One collection of a host's metrics from /proc and statfs: CPU (total, by kind, per core)
 * and disk/network rates from the difference with the previous collection; memory, swap,
 * disk usage per real mount, load, uptime and process counts as they are. Also the agent's
 * own cost: the CPU time the collection took and the agent's resident memory.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statfsSync } from 'node:fs';
import { cpuTotal, parseDiskstats, parseLoadavg, parseMeminfo, parseMounts, parseNetDev, parseStat, realDisks, type CpuTimes, type DiskCounters, type Mount, type NetCounters } from './proc.js';
import { key1 } from './series.js';

/** Where the collector reads from (a fixture directory in tests). */
export interface CollectorOptions {
  proc?: string;
  sys?: string;
  /** How long lists of mounts and disks are reused before being read again. */
  rescanMs?: number;
}

interface Previous {
  at: number;
  total: CpuTimes;
  cores: CpuTimes[];
  disks: Map<string, DiskCounters>;
  nets: Map<string, NetCounters>;
}

/** Rounds to `places` decimals: a tenth of a percent is plenty, and short numbers compress well. */
const round = (n: number, places = 1): number => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};

/** Collects samples; keep one instance for the agent's life (rates need the previous reading). */
export class Collector {
  private readonly proc: string;
  private readonly sys: string;
  private readonly rescanMs: number;
  private previous: Previous | undefined;
  private mounts: Mount[] = [];
  private disks = new Set<string>();
  private scannedAt = -Infinity;
  private readonly fds = new Map<string, number>();
  private readonly buf = Buffer.allocUnsafe(64 * 1024);
  /** CPU time (ms) the last collection took. */
  lastCpuMs = 0;

  constructor(opts: CollectorOptions = {}) {
    this.proc = opts.proc ?? '/proc';
    this.sys = opts.sys ?? '/sys';
    this.rescanMs = opts.rescanMs ?? 60_000;
  }

  /** Boot time of the host (ms since the epoch). */
  bootTime(): number {
    return parseStat(this.read('stat')).btime * 1000;
  }

  /** One collection: series key → value. The first one has no rates (nothing to compare with). */
  collect(): Record<string, number> {
    const cpuBefore = process.cpuUsage();
    const now = performance.now();
    const out: Record<string, number> = {};
    if (now - this.scannedAt > this.rescanMs) this.rescan(now);

    const stat = parseStat(this.read('stat'));
    const mem = parseMeminfo(this.read('meminfo'));
    const disks = parseDiskstats(this.read('diskstats'), this.disks);
    const nets = parseNetDev(this.read('net/dev'));
    const prev = this.previous;
    const dt = prev ? (now - prev.at) / 1000 : 0;

    if (prev) {
      cpuPercents(out, prev.total, stat.total);
      stat.cores.forEach((c, i) => {
        const p = prev.cores[i];
        if (c && p) out[key1('cpu_core_percent', 'core', String(i))] = busy(p, c);
      });
    }
    out.processes_running = stat.procsRunning;
    out.processes_blocked = stat.procsBlocked;

    out.memory_total_bytes = mem.total;
    out.memory_used_bytes = mem.total - mem.available;
    out.memory_percent = mem.total > 0 ? round(((mem.total - mem.available) / mem.total) * 100) : 0;
    out.swap_total_bytes = mem.swapTotal;
    out.swap_used_bytes = mem.swapTotal - mem.swapFree;
    out.swap_percent = mem.swapTotal > 0 ? round(((mem.swapTotal - mem.swapFree) / mem.swapTotal) * 100) : 0;

    for (const m of this.mounts) {
      let s;
      try {
        s = statfsSync(m.mountPoint);
      } catch {
        continue; // unmounted since the last scan
      }
      const total = s.blocks * s.bsize;
      const used = (s.blocks - s.bfree) * s.bsize;
      const avail = s.bavail * s.bsize;
      out[key1('disk_total_bytes', 'mount', m.mountPoint)] = total;
      out[key1('disk_used_bytes', 'mount', m.mountPoint)] = used;
      // Like df: used / (used + available to unprivileged users).
      out[key1('disk_used_percent', 'mount', m.mountPoint)] = used + avail > 0 ? round((used / (used + avail)) * 100) : 0;
    }

    if (prev && dt > 0) {
      for (const [dev, c] of disks) {
        const p = prev.disks.get(dev);
        if (!p) continue;
        out[key1('disk_read_bytes_per_s', 'device', dev)] = round(((c.sectorsRead - p.sectorsRead) * 512) / dt, 0);
        out[key1('disk_write_bytes_per_s', 'device', dev)] = round(((c.sectorsWritten - p.sectorsWritten) * 512) / dt, 0);
        out[key1('disk_reads_per_s', 'device', dev)] = round((c.reads - p.reads) / dt);
        out[key1('disk_writes_per_s', 'device', dev)] = round((c.writes - p.writes) / dt);
        out[key1('disk_busy_percent', 'device', dev)] = Math.min(100, round((c.ioMs - p.ioMs) / dt / 10));
      }
      for (const [iface, c] of nets) {
        const p = prev.nets.get(iface);
        if (!p) continue;
        out[key1('net_rx_bytes_per_s', 'iface', iface)] = round(Math.max(0, c.rxBytes - p.rxBytes) / dt, 0);
        out[key1('net_tx_bytes_per_s', 'iface', iface)] = round(Math.max(0, c.txBytes - p.txBytes) / dt, 0);
        out[key1('net_rx_errors_per_s', 'iface', iface)] = round(Math.max(0, c.rxErrors - p.rxErrors) / dt);
        out[key1('net_tx_errors_per_s', 'iface', iface)] = round(Math.max(0, c.txErrors - p.txErrors) / dt);
      }
    }

    const load = parseLoadavg(this.read('loadavg'));
    out.load1 = load.load1;
    out.load5 = load.load5;
    out.load15 = load.load15;
    out.uptime_seconds = Math.floor(parseFloat(this.read('uptime')));
    out.processes = this.countProcesses();

    this.previous = { at: now, total: stat.total, cores: stat.cores, disks, nets };
    const used = process.cpuUsage(cpuBefore);
    this.lastCpuMs = (used.user + used.system) / 1000;
    out.agent_collect_cpu_ms = round(this.lastCpuMs, 3);
    out.agent_rss_bytes = process.memoryUsage.rss();
    return out;
  }

  /**
   * A /proc file's text. Files are kept open and re-read from offset 0 (procfs renders them
   * afresh on each read): a third of the cost of open + read + close every time.
   */
  private read(file: string): string {
    let fd = this.fds.get(file);
    if (fd === undefined) this.fds.set(file, (fd = openSync(`${this.proc}/${file}`, 'r')));
    const n = readSync(fd, this.buf, 0, this.buf.length, 0);
    // Larger than the buffer (hundreds of cores): read it whole.
    return n < this.buf.length ? this.buf.toString('latin1', 0, n) : readFileSync(`${this.proc}/${file}`, 'latin1');
  }

  /** Closes the kept-open /proc files. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private rescan(now: number): void {
    this.scannedAt = now;
    try {
      this.mounts = parseMounts(readFileSync(`${this.proc}/mounts`, 'latin1'));
    } catch {
      this.mounts = [];
    }
    try {
      this.disks = realDisks(readdirSync(`${this.sys}/block`));
    } catch {
      this.disks = new Set();
    }
  }

  /** Processes (not threads): the numeric entries of /proc. */
  private countProcesses(): number {
    let n = 0;
    for (const name of readdirSync(this.proc)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) n++;
    }
    return n;
  }
}

function busy(p: CpuTimes, c: CpuTimes): number {
  const total = cpuTotal(c) - cpuTotal(p);
  const idle = c.idle + c.iowait - (p.idle + p.iowait);
  return total > 0 ? round(((total - idle) / total) * 100) : 0;
}

function cpuPercents(out: Record<string, number>, p: CpuTimes, c: CpuTimes): void {
  const total = cpuTotal(c) - cpuTotal(p);
  const pct = (n: number): number => (total > 0 ? round((n / total) * 100) : 0);
  out.cpu_percent = busy(p, c);
  out.cpu_user_percent = pct(c.user + c.nice - p.user - p.nice);
  out.cpu_system_percent = pct(c.system + c.irq + c.softirq - p.system - p.irq - p.softirq);
  out.cpu_iowait_percent = pct(c.iowait - p.iowait);
  out.cpu_steal_percent = pct(c.steal - p.steal);
}
