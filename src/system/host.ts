/** Host-wide CPU, memory and disk figures for the dashboard status, read from /proc and statfs. */
import { readFileSync, statfsSync } from 'node:fs';

/** One reading of the host. */
export interface HostUsage {
  cpu_percent: number;
  memory_percent: number;
  disk_percent: number;
}

/** Disk usage of the filesystem holding `path`. */
export function diskUsage(path: string): { usage_percent: number; available_gb: number; total_gb: number } {
  const s = statfsSync(path);
  const total = s.blocks * s.bsize;
  const available = s.bavail * s.bsize;
  // Like df: used / (used + available to unprivileged users).
  const used = (s.blocks - s.bfree) * s.bsize;
  const usage = used + available > 0 ? (used / (used + available)) * 100 : 0;
  return { usage_percent: round1(usage), available_gb: round1(available / 1024 ** 3), total_gb: round1(total / 1024 ** 3) };
}

/** Percent of memory in use (MemTotal − MemAvailable). */
export function memoryPercent(): number {
  const text = readFileSync('/proc/meminfo', 'latin1');
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  const available = Number(/^MemAvailable:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  return total > 0 ? round1(((total - available) / total) * 100) : 0;
}

/** CPU busy percent between successive calls (the first call measures since boot). */
export class CpuMeter {
  private last = readCpuTimes();

  /** Busy percent of all cores since the previous call. */
  sample(): number {
    const now = readCpuTimes();
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    return total > 0 ? round1(((total - idle) / total) * 100) : 0;
  }
}

function readCpuTimes(): { total: number; idle: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), idle };
}

/** Rounds to one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Keeps a fresh reading of the host, taken every `intervalMs`. */
export class HostSampler {
  private readonly cpu = new CpuMeter();
  private latestUsage: HostUsage;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly diskPath: string,
    private readonly intervalMs: number,
  ) {
    this.latestUsage = this.read();
  }

  start(): void {
    this.timer = setInterval(() => (this.latestUsage = this.read()), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The most recent reading. */
  latest(): HostUsage {
    return this.latestUsage;
  }

  private read(): HostUsage {
    return { cpu_percent: this.cpu.sample(), memory_percent: memoryPercent(), disk_percent: diskUsage(this.diskPath).usage_percent };
  }
}
