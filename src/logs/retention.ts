/**
 * Log retention: deletes entries past the age and size limits, a small batch per store call.
 * A pass runs for at most `sliceMs`, yielding between batches, so appends are never held up
 * for long. While a pass ends with more to delete, the next one starts after `pauseMs`
 * rather than at the next tick: under sustained ingest, deleting must keep pace with
 * appending, or the size limit never holds.
 */
import type { Logger } from 'pino';
import type { LogRepo, LogRetention } from '../store/index.js';

/** How often and how long retention runs. */
export interface RetentionTiming {
  /** Between passes when the previous one finished everything. */
  everyMs: number;
  /** Longest pass (the batch running when it ends is finished). */
  sliceMs: number;
  /** Between passes while there is more to delete. */
  pauseMs: number;
}

/** Defaults: a pass every 5 s; while behind, 50 ms passes 50 ms apart (at most half of the thread). */
export const defaultRetentionTiming: RetentionTiming = { everyMs: 5000, sliceMs: 50, pauseMs: 50 };

/** Runs retention passes over a log store until stopped. */
export class RetentionLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly repo: Pick<LogRepo, 'retain'>,
    private readonly limits: LogRetention,
    private readonly logger: Logger,
    private readonly timing: RetentionTiming = defaultRetentionTiming,
  ) {}

  /** Schedules the first pass `everyMs` from now. */
  start(): void {
    this.stopped = false;
    this.schedule(this.timing.everyMs);
  }

  /** Cancels the next pass and waits for a running one to finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass().then((more) => {
        this.running = undefined;
        this.schedule(more ? this.timing.pauseMs : this.timing.everyMs);
      });
    }, ms);
    this.timer.unref();
  }

  /** One pass; resolves with whether more is due. */
  private async pass(): Promise<boolean> {
    const started = Date.now();
    try {
      for (;;) {
        const { more } = await this.repo.retain(this.limits, Date.now());
        if (!more) return false;
        if (this.stopped || Date.now() - started >= this.timing.sliceMs) return true;
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      this.logger.error({ err }, 'log retention failed');
      return false;
    }
  }
}
