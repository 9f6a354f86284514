/**
 * Deletes the records of what happened once they are older than the configured retention
 * (config `history`): service events, alert history and notification deliveries after
 * `retention`, the audit trail after `audit_retention`. A pass runs a minute after the hub
 * starts and then hourly; it deletes oldest first, a small batch per statement, yielding
 * between batches, so the writers of these tables (the audit trail on every request, the
 * recorder on every state change) are never held up behind one long delete.
 */
import type { Logger } from 'pino';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { HistorySettings } from '../core/config/index.js';
import { historyTables, type HistoryKind, type Store } from './index.js';

/** Rows per delete statement. */
const batchRows = 500;
const firstPassMs = 60_000;
const passEveryMs = 3_600_000;

/** Rows deleted by one pass, per kind. */
export type PrunedCounts = Record<HistoryKind, number>;

/** The periodic deletion of history past its retention. */
export class HistoryRetention {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly settings: HistorySettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.schedule(firstPassMs);
  }

  /** Stops the schedule; resolves once a pass under way has finished its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over every kind. A retention of 0 keeps that kind for good. */
  async runOnce(): Promise<PrunedCounts> {
    const deleted: PrunedCounts = { events: 0, audit: 0, alert_history: 0, deliveries: 0 };
    for (const kind of Object.keys(historyTables) as HistoryKind[]) {
      const keepMs = kind === 'audit' ? this.settings.auditRetentionMs : this.settings.retentionMs;
      if (keepMs <= 0) continue;
      const before = new Date(this.now() - keepMs).toISOString();
      while (!this.stopped) {
        const n = await this.store.pruneHistory(kind, before, batchRows);
        deleted[kind] += n;
        if (n < batchRows) break;
        await yieldToRequests();
      }
    }
    if (Object.values(deleted).some((n) => n > 0)) this.logger.info({ deleted }, 'deleted history past its retention');
    return deleted;
  }

  private schedule(inMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.runOnce()
        .catch((err: unknown) => this.logger.error({ err }, 'history retention failed; retrying at the next pass'))
        .finally(() => {
          this.pass = undefined;
          this.schedule(passEveryMs);
        });
    }, inMs);
    // The hub's own lifetime decides; a pending pass must not keep it alive.
    this.timer.unref();
  }
}
