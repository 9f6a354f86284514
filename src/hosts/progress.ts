/**
 * Report progress of hosts (last seen, address, replay guard, interval, meta), written behind:
 * kept per host in memory and flushed in one transaction a second. One commit per report
 * would mean a thousand commits a second at 10,000 hosts, and a WAL checkpoint (an fsync)
 * every second on the report path. The hub decides from memory; what a crash loses is at
 * most a second of progress, and a report re-sent in that window overwrites its own point
 * (points are keyed by source and time).
 */
import type { Logger } from 'pino';
import type { HostProgress, Store } from '../store/index.js';

/** Progress waiting to be written, by host. */
export class ProgressWriter {
  private pending = new Map<string, HostProgress>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly everyMs = 1000,
  ) {}

  /** Notes a host's progress; a newer note replaces an older one (keeping its meta if the newer has none). */
  note(id: string, progress: HostProgress): void {
    const previous = this.pending.get(id);
    this.pending.set(id, previous?.meta !== undefined && progress.meta === undefined ? { ...progress, meta: previous.meta } : progress);
  }

  /** Drops what is pending for a host (it was removed). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.everyMs);
    this.timer.unref();
  }

  /** Writes everything pending; resolves after the commit. A failed write is kept for the next flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.store.hosts
      .noteReports([...batch].map(([id, progress]) => ({ id, progress })))
      .catch((err: unknown) => {
        this.logger.error({ err, hosts: batch.size }, 'could not record host progress; will retry');
        for (const [id, p] of batch) if (!this.pending.has(id)) this.pending.set(id, p);
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
