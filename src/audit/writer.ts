/**
 * The audit writer: takes records without waiting and appends them to the store in the order
 * they came, one at a time, after the current I/O turn (so a request never waits on it).
 * A store error is logged (with the record, which holds nothing secret, so the hub log keeps
 * it) and never thrown.
 * The queue is bounded: past `maxPending` records are counted, not kept, and an
 * `audit.dropped` record says how many once the queue has drained.
 */
import type { AuditRecord, AuditRepo } from '../store/index.js';

/** Where the writer reports store errors. */
export interface AuditLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of the writer. */
export interface AuditWriterOptions {
  /** Most records waiting to be written (default 10,000). */
  maxPending?: number;
  /** Least time between two log lines carrying the store's error (default 10 s). */
  errorLogEveryMs?: number;
  now?: () => number;
}

/** Appends audit records in order, in the background. */
export class AuditWriter {
  private readonly queue: AuditRecord[] = [];
  private running: Promise<void> | null = null;
  private dropped = 0;
  private lastErrorLog = -Infinity;
  private readonly maxPending: number;
  private readonly errorLogEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly repo: Pick<AuditRepo, 'append'>,
    private readonly log: AuditLog,
    opts: AuditWriterOptions = {},
  ) {
    this.maxPending = opts.maxPending ?? 10_000;
    this.errorLogEveryMs = opts.errorLogEveryMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Queues one record; returns at once. */
  push(record: AuditRecord): void {
    if (this.queue.length >= this.maxPending) {
      if (this.dropped++ === 0) this.log.warn({ max_pending: this.maxPending }, 'audit queue full: dropping records until it drains');
      return;
    }
    this.queue.push(record);
    this.running ??= this.run();
  }

  /** Records waiting to be written. */
  pending(): number {
    return this.queue.length;
  }

  /** Resolves once every record queued so far has been written (or has failed and been logged). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    // After the response: the request that queued the record has been answered by now.
    await new Promise((r) => setImmediate(r));
    try {
      for (;;) {
        const record = this.queue.shift();
        if (!record) {
          if (this.dropped === 0) break;
          const count = this.dropped;
          this.dropped = 0;
          await this.write({
            at: new Date(this.now()).toISOString(), actor: 'wheelhouse', action: 'audit.dropped', target: null,
            result: 'failed', status: null, address: null, details: { count },
          });
          continue;
        }
        await this.write(record);
      }
    } finally {
      this.running = null;
    }
  }

  private async write(record: AuditRecord): Promise<void> {
    try {
      await this.repo.append(record);
    } catch (err) {
      // The hub log keeps the record instead; the error itself is logged at most every errorLogEveryMs.
      const now = this.now();
      const withError = now - this.lastErrorLog >= this.errorLogEveryMs;
      if (withError) this.lastErrorLog = now;
      this.log.error(withError ? { record, err } : { record }, 'could not write an audit record to the store; it is kept in this log line');
    }
  }
}
