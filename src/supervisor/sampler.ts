/**
 * Samples CPU % and resident memory of each running service's whole process family (the
 * leader, its group, and descendants that left the group) from one /proc scan per tick.
 */
import { clockTicks, listProcesses, processFamily } from '../system/proc.js';
import { round1 } from '../system/host.js';

/** What the sampler needs of a unit. */
export interface Sampled {
  readonly pid: number | null;
  sampled(cpuPercent: number, memoryMb: number): void;
}

/** Periodic sampler over a changing set of units. */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly previous = new Map<Sampled, { pid: number; ticks: number; atMs: number }>();

  constructor(
    private readonly units: () => Sampled[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    // A first reading right away, so CPU is known one interval after start rather than two.
    setTimeout(() => this.tick(), Math.min(1000, this.intervalMs)).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes one sample of every running unit now. */
  tick(): void {
    const units = this.units().filter((u) => u.pid !== null);
    if (units.length === 0) return;
    const all = listProcesses();
    const now = performance.now();
    for (const unit of units) {
      const pid = unit.pid!;
      const family = processFamily(pid, pid, all);
      const ticks = family.reduce((sum, p) => sum + p.cpuTicks, 0);
      const rss = family.reduce((sum, p) => sum + p.rssBytes, 0);
      const prev = this.previous.get(unit);
      this.previous.set(unit, { pid, ticks, atMs: now });
      if (!prev || prev.pid !== pid || now <= prev.atMs) continue;
      const cpu = ((ticks - prev.ticks) / clockTicks() / ((now - prev.atMs) / 1000)) * 100;
      unit.sampled(round1(Math.max(0, cpu)), round1(rss / 1024 / 1024));
    }
  }
}
