/**
 * The write queue in front of the log store: every source hands entries here; they are
 * committed in groups (one transaction for whatever arrived in the same turn of the event
 * loop, up to `maxBatch` entries) and each caller learns its ids only after the commit.
 * The queue is bounded: past `maxQueued` entries a write is refused (the API answers 429)
 * instead of letting memory grow.
 */
import { AppError } from '../core/errors.js';
import type { LogRepo, SourceCursor } from '../store/index.js';
import type { NewLogEntry } from './entry.js';

interface Job {
  entries: readonly NewLogEntry[];
  cursors: readonly SourceCursor[];
  resolve: (ids: { firstId: number; lastId: number }) => void;
  reject: (err: unknown) => void;
}

/** Limits of the queue. */
export interface WriterLimits {
  maxQueued: number;
  maxBatch: number;
}

/** Group-committing, bounded writer. */
export class LogWriter {
  private queue: Job[] = [];
  private queued = 0;
  private flushing = false;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly repo: LogRepo,
    private readonly limits: WriterLimits,
    private readonly onCommitted: (entries: readonly NewLogEntry[], firstId: number) => void,
  ) {}

  /** Entries waiting for a commit. */
  get depth(): number {
    return this.queued;
  }

  /**
   * Queues entries (and the source cursors to commit with them); resolves with their ids once
   * committed. Rejects with `logs/queue_full` at once when the queue has no room.
   */
  write(entries: readonly NewLogEntry[], cursors: readonly SourceCursor[] = []): Promise<{ firstId: number; lastId: number }> {
    if (this.queued > 0 && this.queued + entries.length > this.limits.maxQueued) {
      return Promise.reject(new AppError('logs/queue_full', `the log write queue is full (${this.queued} entries waiting); retry shortly`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ entries, cursors, resolve, reject });
      this.queued += entries.length;
      this.schedule();
    });
  }

  /** Resolves when everything queued so far is committed. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const jobs: Job[] = [];
        let rows = 0;
        // Whole jobs only: a caller's entries commit together or not at all.
        while (this.queue.length > 0 && (jobs.length === 0 || rows + this.queue[0]!.entries.length <= this.limits.maxBatch)) {
          const job = this.queue.shift()!;
          jobs.push(job);
          rows += job.entries.length;
        }
        const entries = jobs.length === 1 ? jobs[0]!.entries : jobs.flatMap((j) => j.entries);
        const cursors = jobs.flatMap((j) => j.cursors);
        try {
          const { firstId } = await this.repo.append(entries, cursors);
          let next = firstId;
          for (const job of jobs) {
            job.resolve({ firstId: next, lastId: next + job.entries.length - 1 });
            next += job.entries.length;
          }
          this.onCommitted(entries, firstId);
        } catch (err) {
          for (const job of jobs) job.reject(err);
        } finally {
          this.queued -= rows;
        }
        // Let requests that arrived meanwhile join the next group.
        if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.flushing = false;
      for (const done of this.idle.splice(0)) done();
    }
  }
}
