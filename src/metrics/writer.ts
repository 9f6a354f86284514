/**
 * Group commit for metric points: concurrent ingest calls (many agents' reports arriving in
 * one event-loop turn) are written in one store transaction, so the cost per commit is
 * shared. A write resolves after its commit and after `committed` ran for its points.
 */
import type { MetricPoint, MetricRepo } from '../store/index.js';

/** Most points per store call. */
const maxBatch = 5000;

interface Waiting {
  points: readonly MetricPoint[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Batches point writes. */
export class PointWriter {
  private queue: Waiting[] = [];
  private queued = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repo: MetricRepo,
    /** Runs after each commit with the points it held, before the writers' promises resolve. */
    private readonly committed: (points: MetricPoint[]) => Promise<void>,
  ) {}

  /** Points waiting for a commit. */
  get depth(): number {
    return this.queued;
  }

  write(points: readonly MetricPoint[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ points, resolve, reject });
      this.queued += points.length;
      this.schedule();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async drained(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.running) return;
    // setImmediate, not a microtask: lets every request parsed in this loop turn join the batch.
    this.running = new Promise<void>((r) => setImmediate(r))
      .then(() => this.drain())
      .finally(() => {
        this.running = undefined;
        // A write queued after the last batch was taken, while the drain was finishing.
        if (this.queue.length > 0) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Waiting[] = [];
      let n = 0;
      while (this.queue.length > 0 && (n === 0 || n + this.queue[0]!.points.length <= maxBatch)) {
        const w = this.queue.shift()!;
        batch.push(w);
        n += w.points.length;
      }
      this.queued -= n;
      const points = batch.length === 1 ? [...batch[0]!.points] : batch.flatMap((w) => w.points);
      try {
        await this.repo.appendPoints(points);
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      await this.committed(points).catch(() => {});
      for (const w of batch) w.resolve();
    }
  }
}
